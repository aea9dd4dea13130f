"""Counted work, which a busy machine cannot change, and robust timings that corroborate it.

- :func:`flops`: floating-point operations of the matrix products torch runs (``FlopCounterMode``).
- :func:`bytes_written`: bytes of every tensor that any torch operation produces, for code (such as a
  simulator built from einsums and elementwise ops) whose work is not mostly matrix products.
- :func:`min_time_ratio`: the ratio of two timings, each the minimum of k runs, interleaved back to back in one
  process, so that load on the machine slows both sides alike and the minimum discards the interruptions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any


def flops(fn: Callable[[], Any]) -> int:
    """FLOPs of the matrix products (mm, addmm, bmm, convolutions, attention) that ``fn`` runs."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def bytes_written(fn: Callable[[], Any]) -> int:
    """Bytes of all tensors produced by the torch operations that ``fn`` runs, backward passes included."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_flatten

    class _Count(TorchDispatchMode):
        total = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            for t in tree_flatten(out)[0]:
                if isinstance(t, torch.Tensor):
                    self.total += t.numel() * t.element_size()
            return out

    with _Count() as counter:
        fn()
    return counter.total


def min_time_ratio(numerator: Callable[[], Any], denominator: Callable[[], Any], k: int) -> float:
    """min-of-k time of ``numerator`` ÷ min-of-k time of ``denominator``, the two interleaved."""
    den, num = min_times([denominator, numerator], k)
    return num / den


def min_times(fns: Sequence[Callable[[], Any]], k: int) -> list[float]:
    """min-of-k time of each function, all interleaved round-robin, so load slows them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(k):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best
