"""The quantum section's experiment code on cases with known answers, against PennyLane where it simulates."""

import math

import numpy as np
import pytest

from experiments import measurement_collapse as mc
from experiments import quantum_expressivity_overfitting as qeo
from experiments import quantum_linearity as ql
from experiments import quantum_structured_problems as qsp


def test_linearity_model_matches_lightning():
    import torch

    cfg = ql.Config(check_circuits=4)
    assert ql.check_against_lightning(cfg, torch.Generator().manual_seed(1)) < 1e-10


def test_floor_and_energy_above_on_known_signals():
    x = np.arange(64) * 2 * np.pi / 64
    g = np.cos(x) + 0.5 * np.cos(3 * x)
    # Parseval: the energy above degree 1 is |c₃|² + |c₋₃|² = 2 · (0.25)²
    assert ql.floor(g, 1) == pytest.approx(2 * 0.25**2)
    assert ql.floor(g, 3) == pytest.approx(0.0, abs=1e-25)
    assert ql.energy_above(np.cos(2 * x), 1) == pytest.approx(1.0)
    assert ql.energy_above(np.cos(2 * x), 2) == pytest.approx(0.0, abs=1e-25)


def test_affine_residual_separates_lines_from_waves():
    x = np.linspace(0, 1, 50)
    resid = ql.affine_residual(np.stack([3 * x + 1, np.sin(2 * np.pi * x)]), x)
    assert resid[0] < 1e-20 and resid[1] > 0.3


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tomography_inverts_exact_probabilities(n):
    rng = np.random.default_rng(n)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    rho = mc.reconstruct(mc.setting_probabilities(psi, n), n)
    assert np.abs(rho - np.outer(psi, psi.conj())).max() < 1e-12


def test_setting_probabilities_match_lightning():
    assert mc.check_against_lightning(seed=3) < 1e-12


def test_visibility_of_known_fringes():
    phases = np.arange(12) * 2 * np.pi / 12
    assert mc.visibility(np.cos(phases / 2) ** 2, phases) == pytest.approx(1.0)
    assert mc.visibility(np.full(12, 0.5), phases) == pytest.approx(0.0, abs=1e-12)


def test_markers_obey_englert_and_the_optimal_one_saturates():
    for theta in np.linspace(0, np.pi, 7):
        d, v = mc.marker(theta)
        assert d * d + v * v == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert all(d * d + v * v <= 1 + 1e-12 for d, v in (mc.random_marker(rng) for _ in range(200)))


def test_backprop_saves_each_activation_once():
    assert [mc.saved_values(w, depth=3) for w in (1, 2, 8)] == [4, 8, 32]


def test_grover_and_order_finding_on_known_cases():
    import torch

    p = qsp.grover_curve(2, [3], 2, torch.device("cpu"))
    assert p[1] == pytest.approx(1.0)  # N = 4: one iteration finds the item with certainty
    assert qsp.check_against_lightning() < 1e-10
    # 7 has order 4 mod 15; y = 4 of Q = 16 reads as 1/4, and gcd(7² − 1, 15) = 3
    assert qsp.recover_factor(7, 15, 4, 16) == 3
    assert qsp.recover_factor(7, 15, 0, 16) is None


def test_resource_formulas_by_hand():
    assert qsp.roetteler_qubits(256) == 9 * 256 + 2 * 8 + 10 == 2330
    assert qsp.roetteler_toffolis(256) == pytest.approx(448 * 256**3 * 8 + 4090 * 256**3)
    assert qsp.gidney_ekera_toffolis(2048) == pytest.approx(0.3 * 2048**3 + 0.0005 * 2048**3 * 11)
    assert math.isclose(qsp.gidney_ekera_qubits(2048), 3 * 2048 + 0.002 * 2048 * 11)


def test_reuploading_classifier_matches_lightning():
    assert qeo.check_against_lightning(w=2, layers=2) < 1e-10
    assert qeo.check_against_lightning(w=3, layers=2, seed=4) < 1e-10


def test_regulariser_study_is_paired_by_seed():
    cfg = qeo.Config(sizes=(20, 80), seeds=2, small_seeds=3)
    plan = qeo._plan(cfg, qeo.QUANTUM_REGULARISERS)
    for reg in qeo.QUANTUM_REGULARISERS:
        for k in cfg.strengths(reg):
            assert sorted(s for s, n, r, kk in plan if r == reg and n == 20 and kk == k) == [0, 1, 2]
    groups = qeo.build_groups(cfg, plan)
    first = groups.x[groups.group == 0]
    same_seed = next(g for g, (s, n, r, _) in enumerate(plan) if s == 0 and n == 20 and r == "dropout")
    assert np.array_equal(first, groups.x[groups.group == same_seed])


def test_cut_runs_leave_a_check_undetermined_only_when_they_could_overturn_it():
    from dataclasses import replace

    from claims import quantum_expressivity_overfitting as claim
    from experiments.common.training import Stop

    done, cut = Stop(300, 300, False, False), Stop(300, 300, False, True)
    # the corners: a cut run's gap may end anywhere in [−1, 1]
    assert not claim.settled([[0.5, 0.5]], [cut, done], lambda g: g[0, 0] > 0)
    assert claim.settled([[0.5, 0.5]], [cut, done], lambda g: g[0, 1] > 0)
    ev = claim._supporting()  # slope 0.05 per doubling over 20 seeds, tightly spread
    one = [
        cut,
        *ev.gap_stops[1:],
    ]  # one run of the smallest circuit still improving: it cannot undo the trend
    assert claim._trend(replace(ev, gap_stops=one))["undetermined"] is None
    many = [cut] * 20 + ev.gap_stops[20:]  # every run of the smallest circuit: too many to settle
    assert claim._trend(replace(ev, gap_stops=many))["undetermined"] == "unconverged"
    assert claim._gap(ev.small_gap, [cut] + [done] * 19, ev.seed_gaps[-1])["undetermined"] is None


def test_the_regularisers_are_named_in_each_language():
    from claims import quantum_expressivity_overfitting as claim

    by_type = claim._less(claim._supporting())["others"]
    assert by_type["ja"].startswith("重み減衰 +0.050") and "、" in by_type["ja"]
    assert by_type["en"].startswith("weight decay +0.050") and ", " in by_type["en"]
