"""The GPU section's experiment code on cases with known answers."""

import math

import numpy as np
import pytest
import torch

from experiments import inference_is_memory_bound as imb
from experiments import object_level_simulation as ols
from experiments import process_supervision as ps
from experiments.common.counting import flops


def test_rigid_body_falls_freely_until_contact():
    cfg = ols.Config()
    dt, steps = 1e-4, 2000  # 0.2 s: still in the air from 0.5 m
    ys, vs = ols.rigid_trajectory(cfg, dt, steps, cfg.ground_damping)
    t = np.arange(1, steps + 1) * dt
    assert np.allclose(ys, cfg.height + cfg.size / 2 - 0.5 * ols.G * t**2, atol=2e-3)
    assert vs[-1] == pytest.approx(-ols.G * t[-1], rel=1e-6)


def test_a_block_at_rest_in_the_air_only_feels_gravity():
    cfg = ols.Config()
    block = ols.Block(4, cfg)
    before = block.vel.clone()
    block.step()
    dv = block.vel - before
    assert torch.allclose(dv[:, 0], torch.zeros(16, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(dv[:, 1], torch.full((16,), -ols.G * block.dt, dtype=torch.float64), atol=1e-12)


def test_iron_atoms_by_hand():
    atoms = 1.0 / ols.IRON_MOLAR_MASS * ols.AVOGADRO
    assert atoms == pytest.approx(1.0784e25, rel=1e-3)


def test_decode_step_counts_two_flops_per_weight():
    cfg = imb.Config(d_model=64, layers=2, context=0)
    model = imb.Decoder(cfg, torch.device("cpu"))
    x = torch.randn(1, 1, 64)
    counted = flops(lambda: model.step(x, model.cache(1, 0)))
    assert counted == pytest.approx(
        2 * model.params(), rel=0.02
    )  # attention over one token adds almost nothing
    assert model.bytes_read(1, 0) == 4 * model.params() == 4 * 12 * 64 * 64 * 2


def test_partial_parities_along_the_chain():
    x = torch.tensor([[[1, 0, 1, 1, 0]]])
    subset = torch.tensor([[0, 2, 3]])
    assert ps._chain(x, subset).tolist() == [[[1, 0, 1]]]


def test_process_supervision_groups_have_their_own_subsets():
    cfg = ps.Config(ks=(2, 3), seeds=2, steps=100, eval_every=50, test=64, batch=32)
    reached, acc, ks = ps.run_regime("process", cfg)
    assert ks == [2, 2, 3, 3] and len(reached) == len(acc) == 4
    assert all(0.0 <= a <= 1.0 for a in acc)
    assert math.isfinite(sum(acc))
