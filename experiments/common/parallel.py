"""Independent training runs spread over the CPU cores: one single-threaded process per core.

Small networks are dominated by per-operation overhead, so two one-thread processes beat one two-thread
process on two cores (measured for the spiking and scaling experiments). On a GPU, runs go one after
another in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from experiments.common.progress import Progress, silent


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def run_all(
    fn: Callable[[Any], Any], jobs: Sequence[Any], *, on_gpu: bool, desc: str, progress: Progress = silent
) -> list[Any]:
    """``[fn(job) for job in jobs]``, in order; ``fn`` must be a module-level function (it is pickled)."""
    if on_gpu or len(jobs) < 2:
        return [fn(j) for j in progress(jobs, desc)]
    ctx = multiprocessing.get_context("spawn")  # no fork after torch has started its thread pools
    workers = min(os.cpu_count() or 1, len(jobs))
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_one_thread) as pool:
        return list(progress(pool.map(fn, jobs), desc))
