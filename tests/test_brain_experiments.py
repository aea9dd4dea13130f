"""The brain section's experiment code on cases with known answers."""

import numpy as np
import pytest
import torch

from experiments import efficiency_over_scale as eos
from experiments import neuromorphic_hardware_gap as nhg
from experiments import repetition_vs_engineered_weights as rew
from experiments.common.stats import t_interval


def test_closed_form_recalls_exactly_and_gradient_descent_gets_there():
    cfg = rew.Config()
    x, y = rew.associations(16, cfg, np.random.default_rng(0))
    assert torch.allclose(x @ rew.closed_form(x, y), y)
    w, passes = rew.gradient_descent(x, y, cfg)
    assert passes > 1 and bool(((x @ w) * y > 0).all())


def test_conjugate_gradient_and_the_tuned_step_recall_and_cg_needs_fewer_passes():
    cfg = rew.Config()
    x, y = rew.associations(48, cfg, np.random.default_rng(0))
    w_gd, gd = rew.gradient_descent(x, y, cfg)
    w_cg, cg = rew.conjugate_gradient(x, y, cfg)
    assert bool(((x @ w_gd) * y > 0.5).all()) and bool(((x @ w_cg) * y > 0.5).all())
    assert 1 <= cg < gd  # a Krylov method beats the best fixed step on the same stopping rule


def test_the_projection_rule_stores_beyond_hebbian_capacity():
    cfg = rew.Config(neurons=200)
    rng = np.random.default_rng(2)
    pats = rng.choice([-1.0, 1.0], size=(60, 200))  # α = 0.3, twice Hebb's capacity
    w = rew.projection(pats)
    assert np.allclose(np.diag(w), 0) and np.allclose(w, w.T)
    assert rew.hopfield_recall(w, pats, cfg, rng) >= 0.9
    assert rew.hopfield_recall(rew.hebbian(pats), pats, cfg, rng) <= 0.1


def test_closed_form_flops_add_the_solve_to_the_counted_products():
    p, n, m = 8, 64, 16
    products = 2 * p * n * p + 2 * n * p * m  # X·Xᵀ and Xᵀ·Y, as FlopCounterMode counts them
    assert rew.closed_form_flops(p, n, m) == pytest.approx(products + (2 / 3) * p**3 + 2 * p * p * m)


def test_hebbian_recalls_at_low_load_and_the_perceptron_beyond_it():
    cfg = rew.Config(neurons=100)
    rng = np.random.default_rng(1)
    few = rng.choice([-1.0, 1.0], size=(5, 100))
    assert rew.hopfield_recall(rew.hebbian(few), few, cfg, rng) == 1.0
    many = rng.choice([-1.0, 1.0], size=(30, 100))
    w, _ = rew.perceptron(many, cfg)
    assert rew.hopfield_recall(w, many, cfg, rng) > rew.hopfield_recall(rew.hebbian(many), many, cfg, rng)


def test_the_three_spiking_kernels_compute_the_same_step():
    gen = torch.Generator().manual_seed(0)
    weights = torch.randn(256, 32, generator=gen)
    spikes = (torch.rand(1, 256, generator=gen) < 0.1).float()
    dense, event, sparse = (torch.as_tensor(f()) for f in nhg._kernels(spikes, weights))
    assert torch.allclose(dense, event, atol=1e-5) and torch.allclose(dense, sparse, atol=1e-5)
    batch = nhg._spikes(0.05, 16, 256, gen, torch.device("cpu"))  # a batch: each sample its own spikes
    assert bool((batch.sum(1) == round(0.05 * 256)).all())
    dense, event, sparse = (torch.as_tensor(f()) for f in nhg._kernels(batch, weights))
    assert torch.allclose(dense, event, atol=1e-4) and torch.allclose(dense, sparse, atol=1e-4)


def test_the_crossover_is_interpolated_where_the_speed_up_falls_through_one():
    assert nhg._crossover([0.01, 0.1], [4.0, 0.25]) == pytest.approx(np.sqrt(0.01 * 0.1))
    assert nhg._crossover([0.01, 0.1], [2.0, 1.5]) is None
    assert nhg._crossover([0.01, 0.1], [0.5, 0.2]) == 0.01


def test_a_speed_up_is_a_geometric_mean_and_one_disturbed_round_does_not_sink_it():
    # times[round, set, method]: dense 3× slower than event-driven in three rounds, 12× in one (a busy round)
    times = np.ones((4, 1, 2))
    times[:, 0, 0] = [3.0, 3.2, 2.9, 12.0]
    e = nhg._ratio(times, 0, 0, 1)
    assert e.value == pytest.approx(np.exp(np.log([3.0, 3.2, 2.9, 12.0]).mean()))
    assert e.lo > 1.0 and e.lo < e.value < e.hi and e.n == 4
    # the arithmetic interval of the same rounds reached below 1
    assert t_interval(times[:, 0, 0].tolist()).lo < 1.0


def test_the_cited_ratios_of_the_neuromorphic_reading_and_their_placebo():
    inputs = {n: (v, v) for n, v in {"gpu_model_weights": 4e11, "neuro_system_synapses": 1e11, "h100_memory": 80.0,
              "spinnaker2_dram": 2.0, "spinnaker2_sram": 0.0, "spinnaker_dram": 0.1,
              "gpu_software_launch": 0.0, "neuro_software_launch": 0.0}.items()}  # fmt: skip
    day = nhg.REFERENCE_DAY  # launches 20 and 5 years (of 365 days) before it, within a year of 365 days
    inputs |= {"gpu_software_launch": (day - 20 * 365 - 364, day - 20 * 365),
               "neuro_software_launch": (day - 5 * 365, day - 5 * 365 + 364)}  # fmt: skip
    c = nhg.cited(nhg.Config(), inputs, frozenset({"h100_memory"}))
    assert (c.scale_ratio, c.memory_ratio, c.software_ratio) == pytest.approx((4.0, 40.0, 4.0))
    assert "h100_memory" in c.uses["memory"] and c.unverified == ("h100_memory",)
    assert nhg.cited(nhg.Config(chip="spinnaker"), inputs, frozenset()).memory_ratio == pytest.approx(800.0)
    same = nhg.cited(nhg.Config(gpu_side="neuromorphic"), inputs, frozenset())
    assert (same.scale_ratio, same.memory_ratio) == (1.0, 1.0) and same.software_ratio < 1.0


def test_energy_bookkeeping_and_break_even():
    cfg = eos.Config(hidden=10, steps=2)
    e = {"add": 1.0, "mac": 4.0, "sram": 2.0}
    snn = eos._snn_ops(cfg, input_spikes=3.0, hidden_spikes=5.0)
    dense = eos.Ops(macs=740, weight_reads=740)
    acs, updates = 3 * 10 + 5 * 10, 2 * (10 + 10)
    assert (eos.energy(dense, e, False), eos.energy(dense, e, True)) == (740 * 4.0, 740 * 4.0 + 740 * 2.0)
    assert eos.energy(snn, e, False) == acs * 1.0 + updates * 4.0
    assert eos.energy(snn, e, True) == acs * 1.0 + updates * 4.0 + (acs + 2 * updates) * 2.0
    # at the break-even rate both networks cost the same (input and hidden firing at that rate)
    for memory in (False, True):
        r = eos.breakeven(cfg, dense, memory)
        at = eos._snn_ops(cfg, r * cfg.steps * 64, r * cfg.steps * 10)
        assert eos.energy(at, eos.ENERGY_PJ, memory) == pytest.approx(
            eos.energy(dense, eos.ENERGY_PJ, memory)
        )
    # node-correlated draws: a common factor, so ratios of energies vary far less than the energies do
    d = eos.draws(4000, 0)
    assert np.std(np.log(d["add"] / d["mac"])) < 0.6 * np.std(np.log(d["add"]))
    # the low-bit baseline holds a count of 0…T spikes
    assert eos.low_bits(eos.Config(steps=8)) == 4 and eos.low_bits(eos.Config(steps=1)) == 1


def test_the_analogue_comparator_is_a_gaussian_channel():
    """A white stimulus (correlation time far below a step) passed on once per step: ½ log₂(1 + SNR) per step."""
    from experiments import spiking_bandwidth as sb

    cfg = sb.Config(stimulus_ms=1e-6, sim_ms=1.0, bin_ms=1.0)
    signal = (cfg.sim_ms * cfg.stimulus_gain) ** 2
    noise = cfg.sim_ms * cfg.noise**2 + (cfg.sim_ms * cfg.drive * 2.0**-7) ** 2 / 12
    expected = 0.5 * np.log2(1 + signal / noise) * 1000 / cfg.bin_ms
    assert sb.analogue_bits_per_s(cfg) == pytest.approx(expected, rel=1e-6)


def test_the_rate_surrogate_keeps_each_windows_rate_and_nothing_else():
    from experiments import spiking_bandwidth as sb

    rng = np.random.default_rng(0)
    p = np.repeat(rng.uniform(0.0, 0.3, 50), 4)  # a rate that changes from window to window (4 bins each)
    spikes = (rng.random((4000, 200)) < p).astype(np.int8)
    spikes[:, ::4] = 0  # timing inside each window: its first bin never fires
    surrogate = sb.rate_surrogate(spikes, 4, rng)
    per_window = lambda x: x.reshape(x.shape[0], -1, 4).mean(axis=(0, 2))  # noqa: E731
    assert np.allclose(per_window(surrogate), per_window(spikes), atol=0.01)
    assert surrogate[:, ::4].mean() > 0.05  # the surrogate fires anywhere in the window
