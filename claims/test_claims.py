"""`pytest claims/`: every implemented claim re-runs its quick profile; the evidence must still support the
stated verdict, and the negative control must still be rejected by the same criterion."""

import pytest

from kanguri import registry, runner

CLAIMS = registry.implemented()


@pytest.fixture(scope="module", params=CLAIMS)
def record(request) -> tuple[str, dict]:
    return request.param, runner.run(request.param, "quick")


def test_experiment_ran(record):
    cid, r = record
    assert r["status"] == "ok", f"{cid} failed: {r.get('error')}\n{r.get('traceback', '')}"


def test_verdict_as_stated(record):
    cid, r = record
    claim = registry.load(cid)
    reasons = "\n".join(x["en"] for x in r["decision"]["reasons"])
    assert r["decision"]["verdict"] == claim.expected, (
        f"{cid}: rule now says {r['decision']['verdict']}\n{reasons}"
    )


def test_negative_control_rejected(record):
    cid, r = record
    reasons = "\n".join(x["en"] for x in r["control"]["reasons"])
    assert r["control"]["verdict"] == "not-supported", f"{cid}: the criterion accepted the control\n{reasons}"


def test_every_claim_has_both_pages():
    from kanguri.paths import docs_dir

    for cid in CLAIMS:
        for lang in ("ja", "en"):
            assert (docs_dir() / "claims" / f"{cid}.{lang}.md").is_file(), f"{cid}: no {lang} page"
