"""The shortcuts that keep the process-supervision and data-limited-scaling budgets: each must give what the
plain computation gives."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from experiments import data_limited_scaling as dls
from experiments import process_supervision as ps


def test_written_out_gradients_are_autograds():
    torch.manual_seed(0)
    g, b, i, h = 3, 16, 10, 8
    z, y = torch.randn(g, b, i), torch.randint(0, 2, (g, b)).float()
    w = [torch.randn(g, i, h), torch.randn(g, 1, h), torch.randn(g, h, 1), torch.randn(g, 1, 1)]
    leaves = [t.clone().requires_grad_() for t in w]
    logits = (torch.relu(z @ leaves[0] + leaves[1]) @ leaves[2] + leaves[3])[..., 0]
    (torch.nn.functional.binary_cross_entropy_with_logits(logits, y) * g).backward()
    for mine, leaf in zip(ps.mlp_grads(z, y, w), leaves, strict=True):
        assert leaf.grad is not None and torch.allclose(mine, leaf.grad, atol=1e-6)


def test_written_out_adam_is_torchs():
    torch.manual_seed(0)
    mine = [torch.randn(3, 4), torch.randn(2)]
    theirs = [t.clone().requires_grad_() for t in mine]
    opt = torch.optim.Adam(theirs, lr=3e-3)
    m, v = [torch.zeros_like(t) for t in mine], [torch.zeros_like(t) for t in mine]
    for t in range(1, 30):
        grads = [torch.randn_like(p) for p in mine]
        ps.adam_step(mine, grads, m, v, t, 3e-3)
        for p, grad in zip(theirs, grads, strict=True):
            p.grad = grad.clone()
        opt.step()
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine, theirs, strict=True))


@pytest.mark.parametrize("regime", ["outcome", "wrong"])
def test_a_job_trained_on_or_cut_short_is_the_uninterrupted_job(regime):
    cfg = ps.Config(bits=12, ks=(3,), seeds=3, steps=400, eval_every=50, test=64, batch=32)
    fresh = ps.run_job(regime, 3, cfg)
    half = ps.advance(regime, 3, cfg, ps._start(regime, 3, cfg), 200)
    whole = ps.advance(regime, 3, cfg, half, 400)
    assert ps.runs_of(regime, 3, whole, 400, 50) == fresh
    assert ps.runs_of(regime, 3, whole, 200, 50) == ps.run_job(regime, 3, replace(cfg, steps=200))


def test_a_seed_that_stops_leaves_the_others_untouched():
    """Seeds leave the batch when they reach the target; the others' curves are those of a batch where nobody
    ever stops."""
    cfg = ps.Config(bits=12, ks=(3,), seeds=3, steps=600, eval_every=50, test=64, batch=32)
    stopping, never = ps.run_job("outcome", 3, cfg), ps.run_job("outcome", 3, replace(cfg, target=1.01))
    assert any(r.reached for r in stopping)
    for a, b in zip(stopping, never, strict=True):
        assert a.curve == b.curve[: len(a.curve)]


def test_random_bits_are_fair_and_keep_their_rows():
    gen = torch.Generator().manual_seed(0)
    bits = ps.random_bits(gen, (4, 2000), 40)
    assert bits.shape == (4, 2000, 40) and set(bits.unique().tolist()) == {0, 1}
    assert abs(bits.float().mean().item() - 0.5) < 0.01
    rows = ps.random_bits(torch.Generator().manual_seed(0), (4, 2000), 40, torch.tensor([1, 3]))
    assert torch.equal(rows, bits[[1, 3]])


def test_shuffled_text_is_the_same_permutation_as_of_a_list():
    text = "To be, or not to be: ¿qué? 漢字" * 20
    ours = dls._shuffled(text, np.random.default_rng(3))
    assert ours == "".join(np.random.default_rng(3).permutation(list(text)))
