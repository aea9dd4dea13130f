"""``kanguri new <id>``: the files a new claim needs, each with the parts to fill in marked TODO."""

from __future__ import annotations

from pathlib import Path

from kanguri import registry
from kanguri.claim import ClaimError
from kanguri.paths import claims_dir, docs_dir, experiments_dir, module_name

EXPERIMENT = '''"""TODO: what this experiment measures, in one paragraph."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    samples: int = 100  # TODO: the knobs that change between quick, site and full
    seed: int = 0


@dataclass
class Result:
    estimate: float
    control_estimate: float


def run(cfg: Config) -> Result:
    # Import torch / pennylane / snntorch here, inside the function, not at the top of the module,
    # and derive every random number from cfg.seed, e.g. np.random.default_rng(cfg.seed).
    raise NotImplementedError("TODO: the experiment")
'''

CLAIM = '''"""Claim {id}: {en}"""

from __future__ import annotations

from experiments import {mod} as exp
from kanguri import Anchor, Decision, L, Report, Value
from kanguri.claim import define


def rule(r: exp.Result) -> Decision:
    raise NotImplementedError("TODO: the verdict rule, with the uncertainty it rests on")


def control(r: exp.Result) -> Decision:
    raise NotImplementedError("TODO: the same criterion on an input where it must reject")


def report(r: exp.Result) -> Report:
    return Report(values={{"estimate": Value(label=L(ja="TODO", en="TODO"), value=r.estimate)}})


claim = define(
    id="{id}",
    section="{section}",
    kind="{kind}",
    statement=L(ja="{ja}", en="{en}"),
    question=L(ja="TODO: 実験が問うこと", en="TODO: what the experiment asks"),
    experiment=exp.run,
    profiles={{"quick": exp.Config(samples=100), "site": exp.Config(samples=1000),
               "full": exp.Config(samples=100_000)}},
    rule=rule,
    control=control,
    report=report,
    expected="supported",  # TODO: the verdict the evidence supports
    headline="estimate",
    anchors=[Anchor(cite="TODO: Author et al. YEAR, Journal", url="https://example.org",
                    theirs=L(ja="TODO", en="TODO"), ours="estimate")],
)
'''

PAGE = {
    "ja": "# {title}\n\n> {{{{ statement() }}}}\n\n## 問い\n\n{{{{ question() }}}}\n\n## 判定\n\n"
    '{{{{ verdict() }}}}\n\n## 方法\n\nTODO\n\n## 結果\n\n{{{{ value("estimate") }}}}\n\n'
    "## 先行研究との比較\n\n{{{{ anchors() }}}}\n\n## 再現\n\n```bash\nkanguri run {id} --profile site\n```\n\n"
    "{{{{ provenance() }}}}\n",
    "en": "# {title}\n\n> {{{{ statement() }}}}\n\n## Question\n\n{{{{ question() }}}}\n\n## Verdict\n\n"
    '{{{{ verdict() }}}}\n\n## Method\n\nTODO\n\n## Result\n\n{{{{ value("estimate") }}}}\n\n'
    "## Beside the literature\n\n{{{{ anchors() }}}}\n\n## Reproduce\n\n```bash\n"
    "kanguri run {id} --profile site\n```\n\n{{{{ provenance() }}}}\n",
}


def create(claim_id: str) -> list[Path]:
    e = registry.entry(claim_id)
    if e.implemented:
        raise ClaimError(f"claim {claim_id} already exists in claims/{module_name(claim_id)}.py")
    mod = module_name(claim_id)
    files = {
        experiments_dir() / f"{mod}.py": EXPERIMENT,
        claims_dir() / f"{mod}.py": CLAIM.format(
            id=claim_id, mod=mod, section=e.section, kind=e.kind, ja=e.title.ja, en=e.title.en
        ),
        docs_dir() / "claims" / f"{claim_id}.ja.md": PAGE["ja"].format(id=claim_id, title=e.title.ja),
        docs_dir() / "claims" / f"{claim_id}.en.md": PAGE["en"].format(id=claim_id, title=e.title.en),
    }
    clash = [str(p) for p in files if p.exists()]
    if clash:
        raise ClaimError(f"claim {claim_id}: refusing to overwrite {', '.join(clash)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    registry.catalogue.cache_clear()
    return list(files)
