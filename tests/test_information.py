"""The direct-method estimator on spike trains whose entropy and information are known in closed form."""

import math

import numpy as np
import pytest

from experiments.common import information as info


def h(p: float) -> float:
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_entropy_of_bernoulli_trains(p):
    """Independent Bernoulli(p) bins: total entropy H(p) per bin, within 1%; information 0, within 0.01 bits/bin."""
    spikes = (np.random.default_rng(1).random((200, 4000)) < p).astype(np.int8)
    est = info.direct_method(spikes, (2, 3, 4, 5, 6))
    assert abs(est.total_per_bin_limit - h(p)) < 0.01 * h(p)
    assert max(est.info_per_bin) < 0.01


def test_fully_reliable_response_carries_its_whole_entropy():
    """The same spike train on every trial: noise entropy 0, information = total entropy = H(p) per bin."""
    one = (np.random.default_rng(2).random(8000) < 0.3).astype(np.int8)
    est = info.direct_method(np.tile(one, (50, 1)), (2, 4, 6))
    assert abs(est.info_per_bin_limit - h(0.3)) < 0.02
    assert abs(est.info_per_bin_limit - est.total_per_bin_limit) < 1e-9


def test_count_code_loses_timing_and_shuffling_keeps_counts():
    rng = np.random.default_rng(3)
    spikes = (rng.random((20, 400)) < 0.3).astype(np.int8)
    shuffled = info.shuffle_within_words(spikes, 4, rng)
    np.testing.assert_array_equal(info.words(spikes, 4, "count"), info.words(shuffled, 4, "count"))
    assert (info.words(spikes, 4) != info.words(shuffled, 4)).any()


@pytest.mark.parametrize(("bins", "dead", "expected"), [(5, 0, 32), (3, 1, 5), (4, 2, 6), (1, 3, 2)])
def test_refractory_pattern_counts(bins, dead, expected):
    brute = sum(
        all(
            not (w >> (bins - 1 - i)) & 1
            or not any((w >> (bins - 1 - j)) & 1 for j in range(i + 1, min(i + dead + 1, bins)))
            for i in range(bins)
        )
        for w in range(2**bins)
    )
    assert info.refractory_patterns(bins, dead) == brute == expected


def test_capacities():
    c = info.capacity_bits(8, dead=0, neurons=15)
    assert c["count"] == c["latency"] == math.log2(9)
    assert c["pattern"] == c["refractory"] == 8
    assert c["population"] == 4 and c["population_pattern"] == 120
    assert info.bits_per_spike(0.5) == pytest.approx(2.0)
