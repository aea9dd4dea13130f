"""Claim definitions are validated: every mistake names the claim and the field."""

import pytest

from kanguri import registry
from kanguri.errors import ClaimError


def _break(root, old, new):
    path = root / "claims" / "toy_mean.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    registry.refresh()


def _error(claim_id="toy-mean") -> str:
    with pytest.raises(ClaimError) as e:
        registry.load(claim_id)
    return str(e.value)


def test_missing_translation(toy_project):
    _break(
        toy_project,
        'question=L(ja="平均はゼロか", en="Is the mean zero?")',
        'question=L(en="Is the mean zero?")',
    )
    text = (toy_project / "claims" / "toy_mean.py").read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if 'question=L(en="Is the mean zero?")' in t)
    assert _error() == f"claim toy-mean: field L.ja: Field required (claims/toy_mean.py, line {line})"


def test_empty_translation(toy_project):
    _break(toy_project, 'ja="平均はゼロか"', 'ja=""')
    assert "claim toy-mean: field L.ja: String should have at least 1 character" in _error()


def test_unknown_profile(toy_project):
    _break(toy_project, '"full": exp.Config(samples=2000)', '"fast": exp.Config(samples=2000)')
    msg = _error()
    assert msg.startswith("claim toy-mean: ") and "unknown ['fast'], missing ['full']" in msg


def test_profile_must_be_a_config_instance(toy_project):
    _break(toy_project, '"full": exp.Config(samples=2000)', '"full": {"samples": 2000}')
    assert "profile 'full' must be an instance of the experiment's config dataclass" in _error()


def test_unknown_config_field(toy_project):
    _break(toy_project, "exp.Config(samples=2000)", "exp.Config(sample=2000)")
    with pytest.raises(TypeError, match="unexpected keyword argument 'sample'"):
        registry.load("toy-mean")


def test_unknown_argument(toy_project):
    _break(toy_project, 'headline="mean",', 'headline="mean", colour="red",')
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        registry.load("toy-mean")


def test_bad_verdict(toy_project):
    _break(toy_project, 'expected="supported"', 'expected="true"')
    assert "claim toy-mean: field expected: Input should be 'supported', 'partly'" in _error()


def test_module_defines_another_claim(toy_project):
    _break(toy_project, 'define(\n    "toy-mean"', 'define(\n    "toy-other"')
    assert _error() == "claims/toy_mean.py defines claim 'toy-other'; this file belongs to 'toy-mean'"


def test_falsification_must_name_every_check(toy_project):
    _break(toy_project, 'flips={"mean": lambda ev: replace(ev, mean=1.0)},', "flips={},")
    assert (
        "falsify.flips must name every counted check ['mean'], and no sanity check (it names [])" in _error()
    )


def test_a_testable_verdict_needs_falsification(toy_project):
    _break(toy_project, "falsify=falsify, ", "")
    assert "this experiment claim needs ['falsify']" in _error()


def test_messages_need_the_same_placeholders(toy_project):
    _break(toy_project, 'en="The mean {mean:.3f} is within', 'en="The mean {average:.3f} is within')
    msg = _error()
    assert (
        msg.startswith("claim toy-mean: languages use different placeholders") and "toy_mean.py, line" in msg
    )


def test_unknown_and_planned_claims(toy_project):
    assert "unknown claim 'nope'" in _error("nope")
    assert "claim toy-planned is planned: create it with `kanguri new toy-planned`" in _error("toy-planned")


def test_headline_must_exist(toy_project):
    from kanguri import runner

    _break(toy_project, 'headline="mean"', 'headline="median"')
    r = runner.run("toy-mean", "quick")
    assert r["status"] == "failed" and "headline 'median' is not among the report's values" in r["error"]


def test_scaffold_creates_an_opinion_that_loads(toy_project):
    from kanguri import runner, scaffold

    created = scaffold.create("toy-planned")
    names = sorted(p.name for p in created)
    assert names == [
        "toy-planned.en.md",
        "toy-planned.ja.md",
        "toy_planned.anchors.yml",
        "toy_planned.en.yml",
        "toy_planned.ja.yml",
        "toy_planned.py",
        "toy_planned.sources.yml",
    ]
    registry.refresh()
    claim = registry.load("toy-planned")  # the scaffold is a valid definition straight away
    assert claim.kind == "opinion"
    record = runner.run("toy-planned", "quick")
    assert record["decision"]["verdict"] == "not-testable" and record["control"] is None
    with pytest.raises(ClaimError, match="already exists"):
        scaffold.create("toy-planned")


def test_opinion_needs_evidence_on_both_sides(toy_project):
    from kanguri import scaffold

    scaffold.create("toy-planned")
    sources = toy_project / "claims" / "toy_planned.sources.yml"
    text = sources.read_text()
    sources.write_text(text[: text.index("  - side: against")])
    registry.refresh()
    assert "an opinion claim needs cited evidence both for and against" in _error("toy-planned")


def test_sourced_value_without_a_citation_field_names_the_value(toy_project):
    from kanguri import scaffold

    scaffold.create("toy-sourced")
    sources = toy_project / "claims" / "toy_sourced.sources.yml"
    sources.write_text(sources.read_text().replace('      quote: "TODO: the figure as printed"\n', ""))
    registry.refresh()
    assert _error("toy-sourced") == (
        "claim toy-sourced: toy_sourced.sources.yml: values.todo_input.citation.quote: Field required"
    )
