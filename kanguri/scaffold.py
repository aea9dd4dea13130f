"""``kanguri new <id>``: every file a planned claim needs, ready to build and to pass its tests.

The scaffold runs, renders and passes ``pytest claims/`` as it is; its verdict reads ``not-testable`` until the
TODOs are filled in (the experiment, the evidence, the rule's checks, the falsification cases).
"""

from __future__ import annotations

import re
from pathlib import Path

from kanguri import registry
from kanguri.errors import ClaimError
from kanguri.paths import claims_dir, docs_dir, experiments_dir, module_name, root

EXPERIMENT = '''"""TODO: what this experiment measures, in one paragraph: the question, the method, the data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval


@dataclass(frozen=True)
class Config:
    samples: int = 100  # TODO: the knobs that change between quick, site and full, each with its reason
    seeds: int = 5  # the verdict's intervals rest on this many independent runs
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads, each an Estimate with its interval and sample size."""

    effect: Estimate  # TODO: where the claimed effect should appear
    control: Estimate  # TODO: the same measurement where the effect must be absent


@dataclass
class Result:
    evidence: Evidence
    per_seed: list[float]  # TODO: whatever else the page shows


def run(cfg: Config, progress: Progress = silent) -> Result:
    # Import torch / pennylane / snntorch here, inside the function, and derive every random number from
    # cfg.seed. TODO: replace this placeholder measurement with the experiment.
    per_seed = []
    for k in progress(range(cfg.seeds), "seeds"):
        rng = np.random.default_rng(cfg.seed + k)
        per_seed.append(float(rng.normal(size=cfg.samples).mean()))
    estimate = t_interval(per_seed, "t-interval over seeds")
    return Result(Evidence(effect=estimate, control=estimate), per_seed)
'''

SOURCED_EXPERIMENT = '''"""TODO: the arithmetic on the cited inputs, in one paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.common.montecarlo import Ranges, propagate
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate


@dataclass(frozen=True)
class Config:
    samples: int = 10_000  # Monte Carlo draws over the cited ranges
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    effect: Estimate  # TODO: the quantity the claim is about, carried through from the cited ranges
    control: Estimate  # TODO: the same quantity where the claim must fail
    unverified: tuple[str, ...] = ()  # inputs not checked against their source; see kanguri.inputs_checked


@dataclass
class Result:
    evidence: Evidence


def run(
    cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset(), progress: Progress = silent
) -> Result:
    # ``inputs`` holds every cited value of claims/<id>.sources.yml as a (low, high) pair (a date as its day
    # number); ``unverified`` names those that could not be checked. TODO: the arithmetic.
    effect = propagate(lambda x: x["todo_input"], inputs, cfg.samples, cfg.seed)
    control = propagate(lambda x: 0 * x["todo_input"], inputs, cfg.samples, cfg.seed)  # TODO: a real control
    return Result(Evidence(effect=effect, control=control, unverified=tuple(sorted(unverified))))
'''

CLAIM = '''"""Claim {id}: {en}"""

from __future__ import annotations

from experiments import {mod} as exp
from kanguri import Anchor, Check, L, Report, Rule, Value, any_accepted, define

THRESHOLDS = {{"effect": 0.1}}  # TODO: the rule's constants, each with its reason; pages show them by name


def _todo(held) -> str:
    return "not-testable"  # TODO: graded (the default) once the checks below are real


rule: Rule[exp.Evidence] = Rule(
    checks={{
        "effect": Check(
            facts=lambda ev: {{"value": ev.effect.value, "lo": ev.effect.lo, "bar": THRESHOLDS["effect"]}},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(ja="TODO：効果 {{value:.2f}}（下限 {{lo:.2f}}）は {{bar}} を超えた。", en="TODO: the effect {{value:.2f}} (lower bound {{lo:.2f}}) is above {{bar}}."),
            no=L(ja="TODO：効果 {{value:.2f}}（下限 {{lo:.2f}}）は {{bar}} を超えない。", en="TODO: the effect {{value:.2f}} (lower bound {{lo:.2f}}) is not above {{bar}}."),
        ),
    }},
    verdict=_todo,
)

control: Rule[exp.Evidence] = Rule(
    checks={{
        "control": Check(
            facts=lambda ev: {{"value": ev.control.value, "lo": ev.control.lo, "bar": THRESHOLDS["effect"]}},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(ja="TODO：対照でも基準が成り立った（甘すぎる）。", en="TODO: the criterion accepts the control (too lax)."),
            no=L(ja="TODO：対照 {{value:.2f}} を基準は棄却した。", en="TODO: the criterion rejects the control, {{value:.2f}}."),
        ),
    }},
    verdict=any_accepted,
)


def report(r: exp.Result) -> Report:
    return Report(values={{"effect": Value.of(L(ja="TODO：効果", en="TODO: effect"), r.evidence.effect)}})


claim = define(
    "{id}",
    statement=L(ja="{ja}", en="{en}"),
    question=L(ja="TODO：実験が問うこと", en="TODO: what the experiment asks"),
    experiment=exp.run,
    profiles={{
        "quick": exp.Config(samples=100),
        "site": exp.Config(samples=1000),
        "full": exp.Config(samples=100_000),
    }},
    rule=rule,
    control=control,
    # TODO: falsify=Falsification(supporting=..., null=..., flips={{...}}, control_flips={{...}}), then
    # expected="supported" (or what the evidence says): pytest claims/ then proves the rule can fail.
    report=report,
    thresholds=THRESHOLDS,
    expected="not-testable",
    headline="effect",
    anchors=[
        Anchor(
            cite="TODO: Author et al. YEAR, Journal",
            url="https://example.org",
            theirs=L(ja="TODO：先行研究の数値", en="TODO: their number"),
            ours="effect",
        )
    ],
)
'''

OPINION = '''"""Claim {id}: {en}"""

from __future__ import annotations

from kanguri import Anchor, L, define

claim = define(
    "{id}",
    statement=L(ja="{ja}", en="{en}"),
    question=L(ja="TODO：この主張が問うこと", en="TODO: what the claim asks"),
    reason=L(
        ja="TODO：実験で決着がつかない理由（予測、価値判断など）。",
        en="TODO: why no experiment can decide it (a forecast, a value judgement…).",
    ),
    anchors=[
        Anchor(
            cite="TODO: Author et al. YEAR, Journal",
            url="https://example.org",
            theirs=L(ja="TODO：先行研究の主張", en="TODO: their finding"),
        )
    ],
)
'''

SOURCES = """# Cited inputs of {id}. Every entry: the source, a locator, a short quote (or the figure as printed), the
# date it was checked, and verified: false when it could not be checked against the source itself.
{body}"""

SOURCES_VALUES = """values:
  todo_input:
    label: {{ja: "TODO：入力", en: "TODO: input"}}
    low: 1.0
    high: 2.0
    citation:
      source: "TODO: Author et al., Title, Venue, YEAR"
      locator: "TODO: p. 1, Table 1"
      quote: "TODO: the figure as printed"
      checked: 2026-01-01
      url: "https://example.org"
      verified: false
"""

SOURCES_EVIDENCE = """evidence:
  - side: for
    fact: {{ja: "TODO：主張を支持する事実", en: "TODO: a fact for the claim"}}
    citation:
      source: "TODO: Author et al., Title, Venue, YEAR"
      locator: "TODO: p. 1"
      quote: "TODO: a short quote"
      checked: 2026-01-01
      url: "https://example.org"
      verified: false
  - side: against
    fact: {{ja: "TODO：主張に反する事実", en: "TODO: a fact against the claim"}}
    citation:
      source: "TODO: Author et al., Title, Venue, YEAR"
      locator: "TODO: p. 1"
      quote: "TODO: a short quote"
      checked: 2026-01-01
      url: "https://example.org"
      verified: false
"""

PAGE = {
    "ja": '{{% block method %}}\nTODO：方法。数値は {{{{ param("samples") }}}} のように記録から呼び出します。\n'
    '{{% endblock %}}\n\n{{% block result %}}\n{{{{ value("effect") }}}}\n{{% endblock %}}\n\n'
    "{{% block caveats %}}\n- TODO：この実験が示さないこと。\n{{% endblock %}}\n",
    "en": '{{% block method %}}\nTODO: the method. Numbers come from the record, e.g. {{{{ param("samples") }}}}.\n'
    '{{% endblock %}}\n\n{{% block result %}}\n{{{{ value("effect") }}}}\n{{% endblock %}}\n\n'
    "{{% block caveats %}}\n- TODO: what this experiment does not show.\n{{% endblock %}}\n",
}
OPINION_PAGE = {
    "ja": "{{% block method %}}\nTODO：判断材料の読み方。\n{{% endblock %}}\n",
    "en": "{{% block method %}}\nTODO: how to read the evidence.\n{{% endblock %}}\n",
}


def files_for(claim_id: str) -> dict[Path, str]:
    e = registry.entry(claim_id)
    mod = module_name(claim_id)
    fill = dict(id=claim_id, mod=mod, ja=e.summary.ja, en=e.summary.en)
    pages = OPINION_PAGE if e.kind == "opinion" else PAGE
    files = {
        claims_dir() / f"{mod}.py": (OPINION if e.kind == "opinion" else CLAIM).format(**fill),
        docs_dir() / "claims" / f"{claim_id}.ja.md": pages["ja"].format(**fill),
        docs_dir() / "claims" / f"{claim_id}.en.md": pages["en"].format(**fill),
    }
    if e.kind != "opinion":
        files[experiments_dir() / f"{mod}.py"] = SOURCED_EXPERIMENT if e.kind == "sourced" else EXPERIMENT
    if e.kind == "sourced":
        files[claims_dir() / f"{mod}.sources.yml"] = SOURCES.format(id=claim_id, body=SOURCES_VALUES.format())
    if e.kind == "opinion":
        files[claims_dir() / f"{mod}.sources.yml"] = SOURCES.format(
            id=claim_id, body=SOURCES_EVIDENCE.format()
        )
    return files


def add_to_nav(claim_id: str, mkdocs_yml: Path) -> bool:
    """Add ``claims/<id>.md`` to the nav after the last claim page (titles come from the catalogue)."""
    text = mkdocs_yml.read_text(encoding="utf-8")
    entry = f"claims/{claim_id}.md"
    if entry in text or not re.search(r"^nav:", text, re.M):  # without a nav, mkdocs lists every page
        return False
    lines = text.splitlines(keepends=True)
    last = max(
        (i for i, ln in enumerate(lines) if re.match(r"\s*- claims/[a-z0-9-]+\.md\s*$", ln)), default=None
    )
    if last is None:
        raise ClaimError(f"{mkdocs_yml.name}: no claim pages in the nav to add {entry} beside")
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{indent}- {entry}\n")
    mkdocs_yml.write_text("".join(lines), encoding="utf-8")
    return True


def create(claim_id: str) -> list[Path]:
    e = registry.entry(claim_id)
    if e.implemented:
        raise ClaimError(f"claim {claim_id} already exists in claims/{module_name(claim_id)}.py")
    files = files_for(claim_id)
    clash = [str(p) for p in files if p.exists()]
    if clash:
        raise ClaimError(f"claim {claim_id}: refusing to overwrite {', '.join(clash)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    written = list(files)
    if (root() / "mkdocs.yml").is_file() and add_to_nav(claim_id, root() / "mkdocs.yml"):
        written.append(root() / "mkdocs.yml")
    registry.catalogue.cache_clear()
    return written
