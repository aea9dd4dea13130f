"""The walkthrough notebooks: generated from each claim in both languages, converted by sphinx-gallery, and
executed top to bottom with nbclient at the quick profile."""

from __future__ import annotations

import json
import re

import pytest

from kanguri import notebooks, registry
from kanguri.notebook import run
from kanguri.paths import cache_dir
from kanguri.render import VERDICT_LABEL


def _cells(nb: dict, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def test_a_script_becomes_a_notebook_with_the_same_code_in_both_languages(tmp_path):
    made = {}
    for lang in ("ja", "en"):
        path = tmp_path / f"barren_plateaus_{lang}.py"
        path.write_text(notebooks.script("barren-plateaus", lang), encoding="utf-8")
        made[lang] = notebooks.to_notebook(path)
    same = [c.replace('"ja"', '"en"') for c in _cells(made["ja"], "code")]
    assert same == _cells(made["en"], "code"), "the same code, showing its output in each language"
    assert any("seed=1" in c for c in _cells(made["en"], "code")), "it changes one parameter and runs again"
    ja, en = "\n".join(_cells(made["ja"], "markdown")), "\n".join(_cells(made["en"], "markdown"))
    assert "不毛な台地" in ja and "Barren plateaus" in en and "もう一度" in ja and "run again" in en


@pytest.mark.parametrize("cid", registry.implemented())
def test_every_notebook_runs_top_to_bottom(cid, tmp_path):
    for lang in ("ja", "en"):
        script, nb_path = notebooks.build(cid, lang, tmp_path)
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"], f"{cid}.{lang} raised"
        text = notebooks.outputs_text(nb_path)
        verdict = registry.load(cid).expected
        assert f"**{VERDICT_LABEL[verdict](lang)}**" in text, f"{cid}.{lang}: the verdict is shown"
        if registry.load(cid).kind != "opinion":
            assert "quick+seed=" in text, f"{cid}.{lang}: the second run changes the seed"
            html = ["".join(o.get("data", {}).get("text/html", "")) for o in outputs]
            svgs = sum('<svg role="img"' in h and "currentColor" in h for h in html)  # inline: dark mode too
            assert svgs == 2 * len(run(cid)["figures"]), f"{cid}.{lang}: every figure, twice"
            assert not any("image/svg+xml" in o.get("data", {}) for o in outputs), "no figure as an image"
        assert re.search(r"^from kanguri\.notebook import run, show$", script.read_text(), re.M)


def test_freeze_keeps_current_notebooks_and_drops_old_ones(toy_project):
    """``kanguri freeze`` copies what this build executed, keeps what is already frozen under its current key
    (a fresh clone's build took it from there), and removes notebooks of older keys."""
    for lang in ("ja", "en"):  # as a build leaves them (executing them is tested above)
        name = f"toy-mean.{lang}.{notebooks._key('toy-mean', notebooks.script('toy-mean', lang))}.ipynb"
        (cache_dir() / "notebooks").mkdir(parents=True, exist_ok=True)
        (cache_dir() / "notebooks" / name).write_text("{}")
    frozen_dir = toy_project / "results" / "notebooks"
    first = notebooks.freeze()
    assert sorted(p.parent for p in first) == [frozen_dir, frozen_dir] and all(p.is_file() for p in first)
    (frozen_dir / "toy-mean.ja.0123456789abcdef.ipynb").write_text("{}")  # an older key
    for cached in (cache_dir() / "notebooks").glob("*.ipynb"):
        cached.unlink()  # as on a fresh clone: the build served the frozen copies
    assert notebooks.freeze() == first
    assert sorted(frozen_dir.glob("*.ipynb")) == sorted(first)
