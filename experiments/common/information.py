"""Information in spike trains by the direct method (Strong et al. 1998), and exact code capacities.

Spike trains are binary arrays ``(trials, bins)`` recorded while the *same* stimulus is repeated on every
trial. Responses are cut into non-overlapping words of L bins. The total entropy is that of all words, over
all times and trials; the noise entropy is the entropy of the words at one time across trials, averaged
over times; information = total − noise. Both plug-in entropies are biased low on finite data, so each is
Miller–Madow corrected and then extrapolated to infinite data from subsets of the trials (H = H∞ + a/N),
and the information per bin is extrapolated to long words (I/L = i∞ + b/L).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log2

import numpy as np


def entropy_bits(symbols: np.ndarray) -> float:
    """Entropy in bits of an array of non-negative integer symbols: the plug-in estimate with the
    Miller–Madow correction, (K − 1)/(2N ln 2) for K observed symbols in N samples."""
    counts = np.bincount(symbols.ravel())
    counts = counts[counts > 0]
    p = counts / symbols.size
    return float(-(p * np.log2(p)).sum() + (len(counts) - 1) / (2 * symbols.size * np.log(2)))


def words(spikes: np.ndarray, length: int, code: str = "pattern") -> np.ndarray:
    """Non-overlapping words of ``length`` bins, as integers: the full pattern, or only its spike count."""
    trials, bins = spikes.shape
    w = spikes[:, : bins - bins % length].reshape(trials, -1, length).astype(np.int64)
    if code == "count":
        return w.sum(axis=2)
    return w @ (1 << np.arange(length - 1, -1, -1))


def _noise_entropy(w: np.ndarray) -> float:
    return float(np.mean([entropy_bits(w[:, t]) for t in range(w.shape[1])]))


def _extrapolated(
    w: np.ndarray, fractions: tuple[float, ...], rng: np.random.Generator
) -> tuple[float, float]:
    """Total and noise entropy per word, extrapolated to infinitely many trials."""
    inv_n, tot, noise = [], [], []
    for f in fractions:
        k = max(2, round(f * w.shape[0]))
        sub = w[rng.permutation(w.shape[0])[:k]]
        inv_n.append(1 / k)
        tot.append(entropy_bits(sub))
        noise.append(_noise_entropy(sub))
    return float(np.polyfit(inv_n, tot, 1)[1]), float(np.polyfit(inv_n, noise, 1)[1])


def info_per_bin(
    spikes: np.ndarray,
    length: int,
    code: str = "pattern",
    fractions: tuple[float, ...] = (1.0, 0.5, 0.25),
    seed: int = 0,
) -> tuple[float, float]:
    """Information and total entropy per bin, from words of ``length`` bins (``code``: pattern or count).

    ``code="shuffled"`` first permutes the bins inside every word (counts kept, timing destroyed).
    """
    if code == "shuffled":
        spikes, code = shuffle_within_words(spikes, length, np.random.default_rng(seed + length)), "pattern"
    h_tot, h_noise = _extrapolated(words(spikes, length, code), fractions, np.random.default_rng(seed))
    return max(h_tot - h_noise, 0.0) / length, h_tot / length


def long_word_limit(lengths: list[int], per_bin: list[float]) -> float:
    """Extrapolate a per-bin quantity to infinitely long words: the intercept of a line in 1/L."""
    return float(np.polyfit([1 / n for n in lengths], per_bin, 1)[1])


@dataclass
class DirectEstimate:
    lengths: list[int]
    info_per_bin: list[float]  # I(L)/L, each extrapolated in data size
    total_per_bin: list[float]
    info_per_bin_limit: float  # extrapolated to L → ∞
    total_per_bin_limit: float


def direct_method(
    spikes: np.ndarray, lengths: tuple[int, ...], code: str = "pattern", seed: int = 0
) -> DirectEstimate:
    per = [info_per_bin(spikes, n, code, seed=seed) for n in lengths]
    info, total = [i for i, _ in per], [t for _, t in per]
    return DirectEstimate(
        list(lengths),
        info,
        total,
        long_word_limit(list(lengths), info),
        long_word_limit(list(lengths), total),
    )


def shuffle_within_words(spikes: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    """Permute the bins inside every word of every trial: spike counts kept, timing destroyed."""
    trials, bins = spikes.shape
    usable = bins - bins % length
    w = spikes[:, :usable].reshape(trials, -1, length)
    order = np.argsort(rng.random(w.shape), axis=2)
    return np.take_along_axis(w, order, axis=2).reshape(trials, usable)


# --- capacities, exactly ------------------------------------------------------------------------------


def refractory_patterns(bins: int, dead: int) -> int:
    """Binary words of ``bins`` bins in which every spike is followed by at least ``dead`` silent bins."""
    n = [1] * (bins + 1)  # n[t]: words of t bins
    for t in range(1, bins + 1):
        n[t] = n[t - 1] + n[max(t - dead - 1, 0)]
    return n[bins]


def capacity_bits(bins: int, dead: int = 0, neurons: int = 1) -> dict[str, float]:
    """Bits one window of ``bins`` bins can carry, per code (all codes at their maximum-entropy use)."""
    return {
        "count": log2(bins + 1),  # how often: 0…T spikes
        "latency": log2(bins + 1),  # when the first spike comes, or none
        "pattern": float(bins),  # the full binary word
        "refractory": log2(refractory_patterns(bins, dead)),
        "population": log2(neurons + 1),  # which one of N neurons fired (or none), one spike per window
        "population_pattern": float(neurons * bins),
    }


def bits_per_spike(p: float) -> float:
    """Entropy per spike of a Bernoulli(p) train, H(p)/p: sparse trains carry more bits per spike."""
    return float(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)) / p)
