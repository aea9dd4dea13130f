"""``kanguri new <id>``: every file a planned claim needs, ready to build and to pass its tests.

The files come from real templates in ``kanguri/templates/scaffold/`` (Python that ruff lints, YAML, Markdown),
with ``__CLAIM_ID__`` and ``__MODULE__`` filled in. The scaffold runs, renders and passes ``pytest claims/`` as it
is; its verdict reads ``not-testable`` until the TODOs are filled in. It writes only the claim's own files: the
nav and the claim counts come from the catalogue.
"""

from __future__ import annotations

from pathlib import Path

from kanguri import registry
from kanguri.errors import ClaimError
from kanguri.paths import PACKAGE_DIR, claims_dir, docs_dir, experiments_dir, module_name, root

TEMPLATES = PACKAGE_DIR / "templates" / "scaffold"


def _fill(template: str, claim_id: str) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return text.replace("__CLAIM_ID__", claim_id).replace("__MODULE__", module_name(claim_id))


def files_for(claim_id: str) -> dict[Path, str]:
    """Every file of a new claim and its text: the claim, its words and anchors, the experiment, the pages."""
    e = registry.entry(claim_id)
    mod, claims, opinion = module_name(claim_id), claims_dir(), e.kind == "opinion"
    words, page = ("words_opinion", "page_opinion") if opinion else ("words", "page")
    plan = {
        claims / f"{mod}.py": "claim_opinion.py" if opinion else "claim.py",
        claims / f"{mod}.anchors.yml": "anchors.yml" if opinion else "anchors_experiment.yml",
        **{claims / f"{mod}.{lang}.yml": f"{words}.{lang}.yml" for lang in ("ja", "en")},
        **{docs_dir() / "claims" / f"{claim_id}.{lang}.md": f"{page}.{lang}.md" for lang in ("ja", "en")},
    }
    if e.kind == "experiment":
        plan[experiments_dir() / f"{mod}.py"] = "experiment.py"
    if e.kind == "sourced":
        plan[experiments_dir() / f"{mod}.py"] = "experiment_sourced.py"
        plan[claims / f"{mod}.sources.yml"] = "sources_values.yml"
    if opinion:
        plan[claims / f"{mod}.sources.yml"] = "sources_evidence.yml"
    return {path: _fill(template, claim_id) for path, template in plan.items()}


def inside_project(path: Path) -> Path:
    """``path``, resolved, when it lies inside the project; a clear error when it would land outside."""
    resolved, top = path.resolve(), root().resolve()
    if not resolved.is_relative_to(top):
        raise ClaimError(f"refusing to write {path}: it lies outside the project {top}")
    return resolved


def create(claim_id: str) -> list[Path]:
    e = registry.entry(claim_id)
    if e.implemented:
        raise ClaimError(f"claim {claim_id} already exists in claims/{module_name(claim_id)}.py")
    files = {inside_project(p): text for p, text in files_for(claim_id).items()}
    clash = [str(p) for p in files if p.exists()]
    if clash:
        raise ClaimError(f"claim {claim_id}: refusing to overwrite {', '.join(clash)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    registry.catalogue.cache_clear()
    return list(files)
