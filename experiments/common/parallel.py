"""Independent trials (seeds × sizes × circuits) spread over workers: one interface, three engines.

- ``local`` (the default): a process pool on this machine, one single-threaded process per core. Small
  networks are dominated by per-operation overhead, so two one-thread processes beat one two-thread process on
  two cores (measured for the spiking and scaling experiments).
- ``dask``: ``dask.distributed``. With ``KANGURI_SCHEDULER=tcp://HOST:PORT`` the trials go to that cluster
  unchanged; otherwise an embedded ``LocalCluster`` starts, once per process.
- ``submitit``: jobs on Slurm through submitit, or run locally by submitit when there is no Slurm.

The engine is chosen with ``KANGURI_EXECUTOR`` (``kanguri --executor`` sets it). Every engine runs each trial
in a single-threaded worker and returns the results in the order of the trials, so a claim's numbers are the
same, bit for bit, whichever engine and however many workers ran them. On a GPU, or for a single trial, the
trials run one after another in this process, whatever the engine.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from typing import Any

from experiments.common.progress import Progress, silent

ENGINES = ("local", "dask", "submitit")
CONNECT_TIMEOUT_S = 3  # to an existing dask scheduler: an unreachable one fails fast, not after dask's 30 s


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def _trial_process(parent: int) -> None:
    """A local pool's process: one thread, and gone as soon as the claim's worker that started it is gone
    (a timeout or ``kill -9`` ends the worker; its idle pool would otherwise wait forever)."""
    _one_thread()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(70)

    threading.Thread(target=watch, daemon=True).start()


def _in_one_thread(fn: Callable[[Any], Any], job: Any) -> Any:
    _one_thread()
    return fn(job)


def engine() -> str:
    name = os.environ.get("KANGURI_EXECUTOR", "local")
    if name not in ENGINES:
        raise ValueError(f"KANGURI_EXECUTOR={name!r}: choose one of {list(ENGINES)}")
    return name


def _local(fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[Any]:
    ctx = multiprocessing.get_context("spawn")  # no fork after torch has started its thread pools
    workers = min(os.cpu_count() or 1, len(jobs))
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_trial_process, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(fn, jobs)


@cache
def dask_client() -> Any:
    """The client of this process: to ``KANGURI_SCHEDULER`` if set, else to an embedded LocalCluster."""
    from distributed import Client, LocalCluster

    address = os.environ.get("KANGURI_SCHEDULER")
    if address:
        return Client(address, timeout=CONNECT_TIMEOUT_S)
    workers = int(os.environ.get("KANGURI_WORKERS", os.cpu_count() or 1))
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    return Client(cluster)


def _dask(fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[Any]:
    futures = dask_client().map(partial(_in_one_thread, fn), list(jobs), pure=False)
    for future in futures:  # in the order of the trials, whatever order they finish in
        yield future.result()


def _submitit(fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[Any]:
    import submitit

    folder = os.environ.get("KANGURI_SUBMITIT_DIR", os.path.join(os.getcwd(), ".kanguri-cache", "submitit"))
    executor = submitit.AutoExecutor(folder=folder)  # Slurm when sbatch is present, else local processes
    executor.update_parameters(timeout_min=int(os.environ.get("KANGURI_SUBMITIT_TIMEOUT_MIN", "360")))
    submitted = executor.map_array(partial(_in_one_thread, fn), list(jobs))
    for job in submitted:
        yield job.result()


def run_all(
    fn: Callable[[Any], Any], jobs: Sequence[Any], *, on_gpu: bool, desc: str, progress: Progress = silent
) -> list[Any]:
    """``[fn(job) for job in jobs]``, in order; ``fn`` must be a module-level function (it is pickled)."""
    if on_gpu or len(jobs) < 2:
        return [fn(j) for j in progress(jobs, desc)]
    run = {"local": _local, "dask": _dask, "submitit": _submitit}[engine()]
    return list(progress(run(fn, jobs), desc))
