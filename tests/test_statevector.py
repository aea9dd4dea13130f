"""The batched simulator against PennyLane, and the decay criterion on series of known shape."""

import math

import numpy as np
import pennylane as qml
import pytest
import torch

from claims.barren_plateaus import exponential_shape
from experiments import barren_plateaus as bp
from experiments.common import statevector as sv
from experiments.common.stats import variance_decay, wilson

CPU = torch.device("cpu")


def test_mcclean_circuits_match_lightning():
    cfg = bp.Config(check_qubits=5, check_circuits=3, depth_per_qubit=3, seed=11)
    assert bp.check_against_lightning(cfg) < 1e-10


def test_layered_costs_match_lightning():
    n, gen = 5, torch.Generator().manual_seed(3)
    theta = torch.rand((2, bp.shallow_layers(n), 2, n), generator=gen, dtype=torch.float64) * 2 * math.pi
    glob, local = bp.cost_diagonals(n, CPU)
    state = bp._layered_state(theta, n, CPU)
    ours_g, ours_l = 1 - sv.expval(state, glob), 1 - sv.expval(state, local)

    @qml.qnode(qml.device("lightning.qubit", wires=n))
    def probs(t):
        for layer in range(t.shape[0]):
            for half, start in ((0, 0), (1, 1)):
                for q in range(n):
                    qml.RY(t[layer, half, q], wires=q)
                for q in range(start, n - 1, 2):
                    qml.CZ(wires=[q, q + 1])
        return qml.probs(wires=range(n)), [qml.probs(wires=j) for j in range(n)]

    for i in range(2):
        p_all, p_each = probs(theta[i].numpy())
        assert abs(float(ours_g[i]) - (1 - p_all[0])) < 1e-10
        assert abs(float(ours_l[i]) - (1 - np.mean([p[0] for p in p_each]))) < 1e-10


def test_in_place_and_differentiable_gates_agree():
    n, gen = 4, torch.Generator().manual_seed(0)
    state = torch.randn(3, 2**n, dtype=sv.DTYPE, generator=gen)
    u = sv.rotation(torch.tensor([1, 2, 3]), torch.rand(3, dtype=torch.float64, generator=gen))
    for wire in range(n):
        expected = sv.apply_1q(state, n, wire, u)
        got, _ = sv.apply_1q_(state.clone(), torch.empty_like(state), n, wire, u)
        assert torch.allclose(got, expected, atol=1e-14)


def test_parameter_shift_matches_autograd():
    n, gen = 4, torch.Generator().manual_seed(1)
    theta = (torch.rand((1, 2, 2, n), generator=gen, dtype=torch.float64) * 6).requires_grad_(True)
    glob, _ = bp.cost_diagonals(n, CPU)
    (1 - sv.expval(bp._layered_state(theta, n, CPU), glob)).sum().backward()
    with torch.no_grad():
        c = 1 - sv.expval(bp._layered_state(sv.shift_pair(theta.detach(), (0, 0, 0)), n, CPU), glob)
    assert theta.grad is not None
    assert abs(float((c[0] - c[1]) / 2) - float(theta.grad[0, 0, 0, 0])) < 1e-12


@pytest.mark.parametrize(
    ("shape", "xs", "accepted"),
    [
        ("exponential in n", [2, 4, 6, 8, 10], True),
        ("n^-2 over n = 2…10", [2, 4, 6, 8, 10], False),  # the series a slope threshold once accepted
        ("flat", [2, 4, 6, 8, 10], False),
        ("1/width", [16, 32, 64, 128, 256], False),
        ("2^(-width/32)", [16, 32, 64, 128, 256], True),  # exponential in width: must be accepted
    ],
)
def test_model_comparison_on_known_shapes(shape, xs, accepted):
    rng = np.random.default_rng(0)
    scale = {
        "exponential in n": lambda x: 2.0**-x,
        "n^-2 over n = 2…10": lambda x: x**-2.0,
        "flat": lambda x: 1.0,
        "1/width": lambda x: 1 / x,
        "2^(-width/32)": lambda x: 2 ** (-x / 32),
    }[shape]
    draws = [rng.normal(0, math.sqrt(scale(x)), 1000) for x in xs]
    assert exponential_shape(variance_decay(xs, draws, xs[0], 1000, 0)) is accepted


def test_wilson_interval():
    e = wilson(11, 20)
    assert e.value == 0.55 and 0.3 < e.lo < 0.35 and 0.74 < e.hi < 0.78 and e.n == 20
