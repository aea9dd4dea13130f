"""A tiny Kanguri project on disk, for testing the engine end to end without the real experiments."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from kanguri.paths import PACKAGE_DIR

CATALOGUE = """\
sections:
  quantum: {ja: 量子, en: Quantum}
claims:
  - {id: toy-mean, section: quantum, kind: experiment, title: {ja: 平均, en: The mean},
     claim: {ja: 平均はゼロに近い, en: The mean is near zero},
     essay: {section: quantum, point: 2, phrases: [線形]},
     says: {ja: 回路の処理は線形だと言う, en: it says a circuit's processing is linear},
     extension: {ja: 平均で測るのは私たちの工夫, en: measuring it by a mean is ours}}
  - {id: toy-other, section: quantum, kind: experiment, title: {ja: もう一つ, en: Another},
     claim: {ja: もう一つの主張, en: Another claim}}
  - {id: toy-planned, section: quantum, kind: opinion, title: {ja: 準備中, en: Planned},
     claim: {ja: 準備中の主張, en: A planned claim}}
  - {id: toy-sourced, section: quantum, kind: sourced, title: {ja: 出典, en: Sourced},
     claim: {ja: 出典のある主張, en: A sourced claim}}
  - {id: toy-scaffold, section: quantum, kind: experiment, title: {ja: 足場, en: Scaffold},
     claim: {ja: 足場だけの主張, en: A scaffolded claim}}
"""

EXPERIMENT = """
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Config:
    samples: int = 200
    mode: str = "ok"  # ok | crash | sleep | nap
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    mean: float
    sem: float
    control_mean: float


@dataclass
class Result:
    evidence: Evidence


def run(cfg: Config) -> Result:
    if cfg.mode == "crash":
        raise RuntimeError("the toy experiment crashed on purpose")
    if cfg.mode == "sleep":
        time.sleep(60)
    if cfg.mode == "nap":
        time.sleep(2)
    rng = np.random.default_rng(cfg.seed)
    x = rng.normal(0.0, 1.0, cfg.samples)
    c = rng.normal(1.0, 1.0, cfg.samples)  # the control: its mean is clearly not zero
    return Result(Evidence(float(x.mean()), float(x.std() / np.sqrt(cfg.samples)), float(c.mean())))
"""

CLAIM = """
from dataclasses import replace

from experiments import {exp} as exp
from kanguri import (Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Value, any_accepted,
                     define)
from kanguri.kit import Robustness

THRESHOLDS = {{"sems": 3.0}}


def near_zero(f):
    return {holds}


def _check(pick):
    return Check(
        facts=lambda ev: {{"mean": pick(ev), "sem": ev.sem, "k": THRESHOLDS["sems"]}},
        holds=near_zero,
        yes=L(ja="平均 {{mean:.3f}} はゼロから {{k}} 標準誤差以内。", en="The mean {{mean:.3f}} is within {{k}} SEs of zero."),
        no=L(ja="平均 {{mean:.3f}} はゼロから {{k}} 標準誤差より遠い。", en="The mean {{mean:.3f}} is over {{k}} SEs from zero."),
    )


rule = Rule(checks={{"mean": _check(lambda ev: ev.mean)}})
control = Rule(checks={{"control": _check(lambda ev: ev.control_mean)}}, verdict=any_accepted)
falsify = Falsification(
    supporting=lambda: exp.Evidence(0.0, 0.07, 1.0),
    null=lambda: exp.Evidence(1.0, 0.07, 1.0),
    flips={{"mean": lambda ev: replace(ev, mean=1.0)}},
    control_flips={{"control": lambda ev: replace(ev, control_mean=0.0)}},
)


def report(r):
    ev = r.evidence
    fig = Figure(title=L(ja="図", en="Figure"), caption=L(ja="説明", en="Caption"), xlabel=L(ja="x", en="x"),
                 ylabel=L(ja="y", en="y"), series=[Series(label=L(ja="平均", en="mean"), x=[0, 1], y=[0, ev.mean])])
    return Report(values={{"mean": Value(label=L(ja="平均", en="mean"), value=ev.mean, lo=ev.mean - 2 * ev.sem,
                                        hi=ev.mean + 2 * ev.sem)}}, figures={{"fig": fig}})


claim = define(
    "{id}",
    statement=L(ja="平均はゼロに近い", en="The mean is near zero"),
    question=L(ja="平均はゼロか", en="Is the mean zero?"),
    experiment=exp.run,
    profiles={{"quick": exp.Config(mode="{mode}"), "site": exp.Config(mode="{mode}"),
              "full": exp.Config(samples=2000)}},
    rule=rule, control=control, falsify=falsify, report=report, thresholds=THRESHOLDS,
    expected="supported", headline="mean",
    robustness=Robustness(knobs={{"samples": (100, 200, 400), "seed": (0, 1)}}),
    anchors=[Anchor(cite="Toy 2026", url="https://example.org", theirs=L(ja="ゼロ", en="zero"), ours="mean")],
    timeout_s={{"quick": {timeout}, "site": {timeout}, "full": 60}},
    xfail={xfail},
)
"""

GOOD_HOLDS = 'abs(f["mean"]) < f["k"] * f["sem"]'
PAGE = "{% block result %}\n{{ value('mean') }}\n\n{{ figure('fig') }}\n{% endblock %}\n"


def write_claim(
    root: Path,
    claim_id: str,
    *,
    mode: str = "ok",
    timeout: int = 120,
    holds: str = GOOD_HOLDS,
    xfail: bool = False,
) -> Path:
    mod = claim_id.replace("-", "_")
    (root / "experiments" / f"{mod}.py").write_text(EXPERIMENT)
    path = root / "claims" / f"{mod}.py"
    path.write_text(
        textwrap.dedent(CLAIM).format(
            exp=mod, id=claim_id, mode=mode, timeout=timeout, holds=holds, xfail=xfail
        )
    )
    return path


def make_project(root: Path) -> Path:
    (root / "claims").mkdir(parents=True)
    (root / "experiments").mkdir()
    (root / "claims" / "__init__.py").write_text("")
    (root / "experiments" / "__init__.py").write_text("")
    (root / "claims" / "catalogue.yml").write_text(CATALOGUE, encoding="utf-8")
    write_claim(root, "toy-mean")
    return root


def add_site(root: Path) -> None:
    """The real site's config and chrome, with pages for the toy claims."""
    repo = PACKAGE_DIR.parent
    docs = root / "docs"
    (docs / "claims").mkdir(parents=True)
    shutil.copytree(repo / "docs" / "stylesheets", docs / "stylesheets")
    shutil.copytree(repo / "overrides", root / "overrides")
    for lang in ("ja", "en"):
        (docs / f"index.{lang}.md").write_text("# Toy\n\n{{ section_claims('quantum') }}\n", encoding="utf-8")
        (docs / "claims" / f"index.{lang}.md").write_text("# Claims\n\n{{ claims_table() }}\n")
        # the pages every claim page links to: the glossary and the verdicts' history
        (docs / f"glossary.{lang}.md").write_text("# Glossary\n")
        (docs / f"changelog.{lang}.md").write_text("# Changes\n\n{{ verdict_changelog() }}\n")
        for cid in ("toy-mean", "toy-other"):
            if (root / "claims" / f"{cid.replace('-', '_')}.py").exists():
                (docs / "claims" / f"{cid}.{lang}.md").write_text(PAGE)
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.split("\nnav:")[0].replace(
        "  - kanguri:\n      profile: site", "  - kanguri:\n      notebooks: false"
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
