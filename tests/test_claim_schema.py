"""Claim definitions are validated: every mistake names the claim and the field."""

import pytest

from kanguri import registry
from kanguri.claim import ClaimError


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
    assert _error() == "claim toy-mean: field L.ja: Field required (claims/toy_mean.py, line 31)"


def test_empty_translation(toy_project):
    _break(toy_project, 'ja="平均はゼロか"', 'ja=""')
    assert "claim toy-mean: field L.ja: String should have at least 1 character" in _error()


def test_unknown_profile(toy_project):
    _break(toy_project, '"full": exp.Config(samples=2000)', '"fast": exp.Config(samples=2000)')
    msg = _error()
    assert "claim toy-mean: field profiles" in msg and "unknown profile(s) ['fast']" in msg


def test_profile_must_be_a_config_instance(toy_project):
    _break(toy_project, '"full": exp.Config(samples=2000)', '"full": {"samples": 2000}')
    assert "profile 'full' must be an instance of the experiment's config dataclass" in _error()


def test_unknown_config_field(toy_project):
    _break(toy_project, "exp.Config(samples=2000)", "exp.Config(sample=2000)")
    with pytest.raises(TypeError, match="unexpected keyword argument 'sample'"):
        registry.load("toy-mean")


def test_unknown_field(toy_project):
    _break(toy_project, 'headline="mean",', 'headline="mean", colour="red",')
    assert "claim toy-mean: field colour: Extra inputs are not permitted" in _error()


def test_bad_verdict(toy_project):
    _break(toy_project, 'expected="supported"', 'expected="true"')
    assert "claim toy-mean: field expected: Input should be 'supported', 'partly'" in _error()


def test_catalogue_mismatch(toy_project):
    _break(toy_project, 'kind="experiment"', 'kind="opinion"')
    assert _error() == "claim toy-mean: field kind is 'opinion' but the catalogue says 'experiment'"


def test_unknown_and_planned_claims(toy_project):
    assert "unknown claim 'nope'" in _error("nope")
    assert "claim toy-planned is planned: create it with `kanguri new toy-planned`" in _error("toy-planned")


def test_headline_must_exist(toy_project):
    from kanguri import runner

    _break(toy_project, 'headline="mean"', 'headline="median"')
    r = runner.run("toy-mean", "quick")
    assert r["status"] == "failed" and "headline 'median' is not among the report's values" in r["error"]


def test_scaffold_creates_a_claim_that_loads(toy_project):
    from kanguri import scaffold

    created = scaffold.create("toy-planned")
    assert len(created) == 4 and all(p.exists() for p in created)
    registry.refresh()
    claim = registry.load("toy-planned")  # the scaffold is a valid definition straight away
    assert claim.kind == "opinion"
    with pytest.raises(ClaimError, match="already exists"):
        scaffold.create("toy-planned")
