"""scikit-learn's handwritten digits, shipped with the package (nothing is downloaded), and spike encodings."""

from __future__ import annotations


def split(seed: int):
    """scikit-learn's digits (8×8, shipped with the package), intensities in [0, 1]; a stratified 75/25 split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    return train_test_split(x / 16.0, y, test_size=0.25, random_state=seed, stratify=y)


def encode(x, steps: int, encoding: str, gen):
    """(batch, 64) intensities in [0, 1] -> (steps, batch, 64) spikes."""
    import torch

    if encoding == "rate":  # each step, a pixel spikes with probability equal to its intensity
        return torch.bernoulli(x.expand(steps, *x.shape), generator=gen)
    # latency: one spike per pixel, earlier for brighter pixels; dark pixels stay silent
    t = torch.round((1 - x) * (steps - 1)).long()
    spikes = torch.zeros(steps, *x.shape)
    on = x > 0.05
    spikes.scatter_(0, t[None], on[None].float())
    return spikes
