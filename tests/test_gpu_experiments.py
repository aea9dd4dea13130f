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
    t = np.arange(1, 201) * 1e-3  # 0.2 s: still in the air from 0.5 m
    com, vel = ols.rigid_drops(cfg, [(0.5, 0.0), (0.5, 20.0)], np.full(2, cfg.ground_damping), t, 8)
    start = com[:, 0, 1] + 0.5 * ols.G * t[0] ** 2  # each drop's initial height of the centre
    assert np.allclose(com[:, :, 1], start[:, None] - 0.5 * ols.G * t**2, atol=2e-3)
    assert vel[:, -1, 1] == pytest.approx(-ols.G * t[-1], rel=1e-3)
    assert np.allclose(com[:, :, 0], 0.0)  # no contact, no sideways force


def test_a_block_at_rest_in_the_air_only_feels_gravity():
    cfg = ols.Config()
    block = ols.Block(4, cfg, [(0.5, 0.0), (0.5, 20.0)])
    before = block.vel.copy()
    block.step()
    dv = block.vel - before
    assert np.allclose(dv[..., 0], 0.0, atol=1e-12)
    assert np.allclose(dv[..., 1], -ols.G * block.dt, atol=1e-12)


def test_the_lattice_springs_are_the_neighbour_pairs():
    """Slicing takes every nearest and diagonal neighbour once: 2n(n−1) + 2(n−1)² springs."""
    n = 5
    x = np.zeros((1, n, n, 2))
    count = sum(ols._pair(x, di, dj)[0][0, ..., 0].size for di, dj in ols.DIRECTIONS)
    assert count == 2 * n * (n - 1) + 2 * (n - 1) ** 2


def test_the_torch_block_counts_the_same_step_as_the_numpy_block():
    cfg = ols.Config()
    a, b = ols.Block(4, cfg, [(0.01, 20.0)]), ols.Block(4, cfg, [(0.01, 20.0)], torch=True)
    for _ in range(50):  # long enough to reach the ground and stretch the springs
        a.step()
        b.step()
    assert np.allclose(a.pos, b.pos.numpy(), atol=1e-12)


def test_iron_atoms_by_hand():
    atoms = 1.0 / ols.IRON_MOLAR_MASS * ols.AVOGADRO
    assert atoms == pytest.approx(1.0784e25, rel=1e-3)


def test_decode_step_counts_two_flops_per_weight():
    cfg = imb.Config(d_model=64, layers=2, heads=4, kv_heads=1)
    model = imb.Decoder(cfg, torch.device("cpu"))
    x = torch.randn(1, 1, 64)
    counted = flops(lambda: model.step(x, model.cache(1, 0)))
    assert counted == pytest.approx(
        2 * model.params(), rel=0.02
    )  # attention over one token adds almost nothing
    # grouped-query attention: one key/value head of 16; the gated layer's width
    d, kv, ffn = 64, 2 * 1 * 16, 192
    assert model.params() == 2 * (d * (d + kv) + d * d + d * 2 * ffn + ffn * d)
    assert model.bytes_read(1, 0) == 4 * model.params()


def test_grouped_query_attention_reads_each_cached_key_once():
    """On a long context the cache dominates, and each cached element serves heads ÷ kv_heads queries: the
    intensity approaches that group size ÷ 2 FLOPs per float32 byte (2 FLOPs per multiply-add, 4 bytes)."""
    cfg = imb.Config(d_model=64, layers=1, heads=4, kv_heads=1)
    f, b = imb.counted(cfg, 1, 2**16, torch.float32)
    assert f / b == pytest.approx(4 / 2, rel=0.05)
    meta = imb.Decoder(cfg, torch.device("meta"))
    assert meta.kv_bytes(1, 2**16) == 4 * 2 * 1 * 2**16 * 1 * 16


def test_grouped_attention_matches_repeated_heads():
    """The stacked-query form computes what repeating each key/value head for its group would compute."""
    torch.manual_seed(0)
    cfg = imb.Config(d_model=32, layers=1, heads=4, kv_heads=2)
    model = imb.Decoder(cfg, torch.device("cpu"))
    x = torch.randn(2, 1, 32)
    k_cache, v_cache = torch.randn(2, 2, 5, 8), torch.randn(2, 2, 5, 8)
    out = model._block(x, model.layers[0], k_cache, v_cache)
    wqkv, wo, w13, w2 = model.layers[0]
    qkv = x @ wqkv
    q = qkv[..., :32].view(2, 1, 4, 8).transpose(1, 2)
    k = torch.cat([k_cache, qkv[..., 32:48].view(2, 1, 2, 8).transpose(1, 2)], 2).repeat_interleave(2, 1)
    v = torch.cat([v_cache, qkv[..., 48:].view(2, 1, 2, 8).transpose(1, 2)], 2).repeat_interleave(2, 1)
    att = torch.softmax(q @ k.transpose(-1, -2) / 8**0.5, dim=-1)
    y = x + (att @ v).transpose(1, 2).reshape(2, 1, 32) @ wo
    gate, up = (y @ w13).split(model.ffn, dim=-1)
    assert torch.allclose(out, y + (torch.nn.functional.silu(gate) * up) @ w2, atol=1e-5)


def test_partial_parities_along_the_chain():
    x = torch.tensor([[[1, 0, 1, 1, 0]]])
    subset = torch.tensor([[0, 2, 3]])
    assert ps.partial_parities(x, subset).tolist() == [[[1, 0, 1]]]


def test_process_supervision_wrong_subset_is_disjoint_and_shared_by_regimes():
    cfg = ps.Config(bits=12)
    right, wrong = ps._subsets(cfg, 4, 3)
    assert right.shape == (3, 4) and wrong.shape == (3, 3)
    for r, w in zip(right, wrong, strict=True):
        assert len(set(r)) == 4 and not set(r) & set(w[:3])
    again, _ = ps._subsets(cfg, 4, 3)
    assert (again == right).all()  # the same hidden subsets in every regime: the comparisons are paired


def test_process_supervision_runs_end_with_their_curves():
    cfg = ps.Config(bits=8, ks=(2,), seeds=2, steps=100, eval_every=50, test=64, batch=32)
    for regime in ps.REGIMES:
        runs = ps.run_job(regime, 2, cfg)
        assert len(runs) == 2 and all(r.k == 2 and r.cap == 100 for r in runs)
        assert all(0.0 <= a <= 1.0 for r in runs for a in r.curve) and all(r.curve for r in runs)
        for r in runs:
            assert r.stop.reached == (r.reached is not None) and r.stop.cap == 100
        assert math.isfinite(sum(r.curve[-1] for r in runs))


def test_ngram_models_on_a_text_with_known_entropy():
    from experiments import data_limited_scaling as dls

    text = np.array([0, 1] * 500)  # a bigram model predicts every character; a unigram model has 1 bit
    scores = dls.ngram_losses(text, [text], (1, 2), vocab=2)
    assert abs(scores[(1, 1.0)][0] - math.log(2)) < 1e-3
    assert scores[(2, 0.001)][0] < 0.01 and scores[(2, "wb")][0] < 0.01


def test_a_run_under_a_smaller_cap_is_the_same_run_cut_short():
    from experiments import data_limited_scaling as dls

    cfg = dls.Config(eval_every=25)
    curve = [3.0, 2.5, 2.2, 2.1]
    run = dls._summarise(16, 1000, 5000, 0, curve, [3.1, 2.6, 2.3, 2.0], [2.9, 2.4, 2.0, 1.8], "cap", 100,
                         100, cfg, 4.0, 2000)  # fmt: skip
    cut = dls.truncate(run, 50, cfg)
    assert cut.val_curve == curve[:2] and cut.test_loss == 2.6 and cut.final_train == 2.4 and cut.steps == 50
    assert cut.stop.still_improving and not cut.stop.reached
    assert dls.truncate(run, 100, cfg) is run
