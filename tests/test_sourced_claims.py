"""The sourced and opinion claims: every citation is complete, the arithmetic reproduces hand-checked cases, and
a null input, fed through the real arithmetic, changes the verdict."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from experiments import brain_20_watts as brain
from experiments import data_exhaustion_and_pace as data
from kanguri import registry
from kanguri.sources import graded_on_checked_inputs

CITED = [c for c in registry.implemented() if registry.entry(c).kind in ("sourced", "opinion")]


def _citations(cid: str):
    sources = registry.load(cid).sources
    assert sources is not None
    return [v.citation for v in sources.values.values()] + [e.citation for e in sources.evidence]


def test_the_four_cited_claims_are_live():
    assert {
        "data-exhaustion-and-pace",
        "brain-20-watts",
        "training-stays-on-gpus",
        "brain-structure-and-emotion",
    } <= set(CITED)


@pytest.mark.parametrize("cid", CITED)
def test_every_citation_has_every_field(cid):
    for c in _citations(cid):
        assert c.source.strip() and c.locator.strip() and c.quote.strip(), c
        assert c.url.startswith("https://") or c.url.startswith("http://"), c.url
        assert datetime.date(2024, 1, 1) <= c.checked <= datetime.date.today(), c.checked
        assert "TODO" not in c.source + c.locator + c.quote


@pytest.mark.parametrize("cid", CITED)
def test_opinions_have_both_sides_and_sourced_claims_name_what_is_unverified(cid):
    claim = registry.load(cid)
    assert claim.sources is not None
    if claim.kind == "opinion":
        assert {e.side for e in claim.sources.evidence} == {"for", "against"}
    else:
        unverified = claim.sources.unverified()
        assert unverified == {n for n, v in claim.sources.values.items() if not v.citation.verified}


def _x(**values: float) -> dict[str, np.ndarray]:
    return {k: np.array([float(v)]) for k, v in values.items()}


def _day(iso: str) -> float:
    return float(datetime.date.fromisoformat(iso).toordinal())


def test_exhaustion_year_by_hand():
    """10 T tokens on 1 January 2025, growing 10× a year, meet 1 000 T tokens two years later."""
    x = _x(frontier_tokens=1e13, frontier_date=_day("2025-01-01"), stock=1e15, growth=10)
    assert data.exhaustion_year(x)[0] == pytest.approx(2027.0, abs=1e-3)
    assert data.year_of(_day("2025-01-01")) == pytest.approx(2025.0, abs=1e-3)  # within hours


def test_share_used_and_shift_by_hand():
    x = _x(frontier_tokens=1e13, frontier_date=_day("2025-01-01"), stock=1e14, growth=3)
    one_year_later = _day("2025-01-01") + data.DAYS_PER_YEAR
    assert data.share_used(x, one_year_later)[0] == pytest.approx(0.3)
    assert data.shift_years(x, 9.0)[0] == pytest.approx(2.0)  # 9× more text lasts two more years at 3× a year


def test_o1_to_o3_is_99_days():
    assert data.gap_days(_x(o1_date=_day("2024-09-12"), o3_date=_day("2024-12-20")))[0] == 99


def test_brain_arithmetic_by_hand():
    x = _x(
        brain_power=20, synapses=1e14, rate=1, h100_power=700, h100_bf16=1e15, gpu_power=350, utilisation=0.5
    )
    assert brain.joules_per_event(x)[0] == pytest.approx(2e-13)
    assert brain.joules_per_flop(x, "h100_bf16_dense")[0] == pytest.approx(7e-13)  # at peak
    assert brain.joules_per_flop(x, "h100_bf16_dense", useful=True)[0] == pytest.approx(
        1.4e-12
    )  # half the peak
    assert brain.ratio(x, "h100_bf16_dense")[0] == pytest.approx(7.0)  # per useful FLOP
    assert brain.ratio(x, "h100_bf16_dense", flops_per_event=10)[0] == pytest.approx(70)
    assert brain.power_ratio(x)[0] == pytest.approx(17.5)


def _decide(cid: str, inputs: dict[str, tuple[float, float]], unverified: frozenset[str] = frozenset()):
    claim = registry.load(cid)
    assert claim.experiment is not None and claim.rule is not None and claim.control is not None
    result = claim.experiment(claim.config("quick"), inputs=inputs, unverified=unverified)
    return claim.rule.decide(result.evidence), claim.control.decide(result.evidence)


def _inputs(cid: str) -> dict[str, tuple[float, float]]:
    sources = registry.load(cid).sources
    assert sources is not None
    return sources.ranges()


def test_a_null_input_flips_data_exhaustion():
    """With a stock a million times larger, the cited growth no longer runs it out this decade."""
    cid = "data-exhaustion-and-pace"
    inputs = _inputs(cid)
    decision, control = _decide(cid, inputs)
    assert decision.checks["runs_out_soon"] and control.verdict == "not-supported"
    bigger = inputs | {"stock": (inputs["stock"][0] * 1e6, inputs["stock"][1] * 1e6)}
    assert not _decide(cid, bigger)[0].checks["runs_out_soon"]
    late_o3 = inputs | {"o3_date": (inputs["o3_date"][0] + 365, inputs["o3_date"][1] + 365)}
    assert not _decide(cid, late_o3)[0].checks["about_three_months"]


def test_a_null_input_flips_brain_20_watts():
    """A GPU that draws what a brain draws is not 'far above' it."""
    cid = "brain-20-watts"
    inputs = _inputs(cid)
    decision, control = _decide(cid, inputs)
    assert decision.checks["power_far_below"] and control.verdict == "not-supported"
    same = inputs | {"gpu_board_power": inputs["brain_power"]}
    assert not _decide(cid, same)[0].checks["power_far_below"]


def test_unverified_inputs_cap_the_verdict_at_partly():
    assert graded_on_checked_inputs({"a": True, "inputs_checked": False}) == "partly"
    assert graded_on_checked_inputs({"a": True, "inputs_checked": True}) == "supported"
    assert graded_on_checked_inputs({"a": False, "inputs_checked": True}) == "not-supported"
    cid = "data-exhaustion-and-pace"
    decision, _ = _decide(cid, _inputs(cid), frozenset({"stock"}))
    assert not decision.checks["inputs_checked"]
