"""``kanguri render --out DIR`` publishes a broken page as the mkdocs plugin does (issue 27, item 1): the page
shows its failure, every other page is written, and the command exits non-zero naming each failed claim."""

from __future__ import annotations

from kanguri import cli, registry
from tests import toy


def test_a_broken_page_and_a_failed_claim_stop_nothing_and_are_named(toy_project, tmp_path, capsys):
    toy.write_claim(toy_project, "toy-other", mode="crash")  # its experiment raises: a failed record
    toy.add_site(toy_project)
    broken = toy_project / "docs" / "claims" / "toy-mean.en.md"  # sorted before every page it could stop
    broken.write_text("{% block result %}\n{{ value('no_such_value') }}\n{% endblock %}\n", encoding="utf-8")
    registry.refresh()
    out = tmp_path / "rendered"

    assert cli.main(["render", "--out", str(out), "--profile", "quick"]) == 1
    err = capsys.readouterr().err
    assert (
        "claim toy-other failed at profile quick: RuntimeError: the toy experiment crashed on purpose" in err
    )
    assert "claim toy-mean: page claims/toy-mean.en.md could not be rendered: KeyError" in err

    page = (out / "en" / "claims" / "toy-mean.md").read_text(encoding="utf-8")
    assert "!!! failure" in page and "KeyError" in page and "no&#95;such&#95;value" in page  # escaped
    assert "{{" not in page and "{%" not in page, "the raw template is never published"
    for lang in ("ja", "en"):  # every other page is written, the failed claim's as failed
        for name in ("index.md", "claims/index.md", "claims/toy-other.md"):
            text = (out / lang / name).read_text(encoding="utf-8")
            assert "{{" not in text and "{%" not in text, name
        assert "!!! failure" in (out / lang / "claims" / "toy-other.md").read_text(encoding="utf-8")
    ja = (out / "ja" / "claims" / "toy-mean.md").read_text(encoding="utf-8")
    assert "!!! failure" not in ja and 'class="kg-value"' in ja, "the other language's page renders as usual"
    assert any((out / "ja" / "assets" / "figures" / "toy-mean").glob("*.ja.svg"))


def test_a_clean_render_exits_zero(toy_project, tmp_path, capsys):
    toy.add_site(toy_project)
    assert cli.main(["render", "--out", str(tmp_path / "rendered"), "--profile", "quick"]) == 0
    assert "FAILED" not in capsys.readouterr().err
