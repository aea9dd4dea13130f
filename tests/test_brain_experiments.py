"""The brain section's experiment code on cases with known answers."""

import numpy as np
import pytest
import torch

from experiments import efficiency_over_scale as eos
from experiments import neuromorphic_hardware_gap as nhg
from experiments import repetition_vs_engineered_weights as rew


def test_closed_form_recalls_exactly_and_gradient_descent_gets_there():
    cfg = rew.Config()
    x, y = rew.associations(16, cfg, np.random.default_rng(0))
    assert torch.allclose(x @ rew.closed_form(x, y), y)
    w, passes = rew.gradient_descent(x, y, cfg)
    assert passes > 1 and bool(((x @ w) * y > 0).all())


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
    dense, event, sparse = (f() for f in nhg._kernels(spikes, weights))
    assert torch.allclose(dense, event, atol=1e-5) and torch.allclose(dense, sparse, atol=1e-5)


def test_energy_bookkeeping_and_break_even():
    cfg = eos.Config(hidden=10, steps=2)
    e = {"add": 1.0, "mac": 4.0, "sram": 2.0}
    en = eos.energies(macs=740, cfg=cfg, input_spikes=3.0, hidden_spikes=5.0, e=e)
    acs, updates = 3 * 10 + 5 * 10, 2 * (10 + 10)
    assert en["ann"] == (740 * 4.0, 740 * 2.0)
    assert en["snn"] == (acs * 1.0 + updates * 4.0, acs * 2.0 + 2 * updates * 2.0)
    # at the break-even rate both networks cost the same (input and hidden firing at that rate)
    for memory in (False, True):
        r = eos.breakeven(64 * 10 + 10 * 10, cfg, memory)
        at = eos.energies(740, cfg, r * cfg.steps * 64, r * cfg.steps * 10, eos.ENERGY_PJ)
        assert sum(at["snn"][: 1 + memory]) == pytest.approx(sum(at["ann"][: 1 + memory]))
