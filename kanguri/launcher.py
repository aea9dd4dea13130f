"""Starts a claim's worker, forked from a server that has already imported the libraries every worker needs.

A worker started as ``python -m kanguri.worker`` spends one to three seconds importing scipy.stats, matplotlib,
numpy and pydantic before it runs anything; a build or a test run starts dozens. Here the worker is forked
from multiprocessing's fork server, started once per process with those libraries imported: a worker is then
ready in a fraction of a second, and is still a process of its own (a crash, a timeout or ``kill -9`` of the
command ends it alone, as before).

Only third-party libraries are preloaded. The engine, the claims and the experiments are imported afresh in
each worker, so an edit made while a server lives (``mkdocs serve``) is never run stale; torch is never
preloaded (its thread pools do not survive a fork, and ``OMP_WAIT_POLICY`` must be set before it loads).
What the preloaded libraries read when they load (``OPENBLAS_NUM_THREADS``, a ``matplotlibrc``, their own
versions) is read once, when the server starts: restart the process after changing those.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from multiprocessing import forkserver, reduction
from pathlib import Path
from typing import Any

from kanguri import cache

PRELOAD = (
    "numpy",
    "scipy.stats",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "pydantic",
    "yaml",
    "filelock",
)
SERVER_ENV = {"PYTHONHASHSEED": "0"}  # a worker inherits the server's hash seed, not its own environment's
STDERR_TAIL = 2000
SERVER_LOST = 255  # the exit code multiprocessing reports when the server, not the worker, ended
_LOCK = threading.Lock()  # builds start claims from threads; starting one is brief


class LauncherError(OSError):
    """No worker could be started, or its server was lost while it ran."""


@dataclass(frozen=True)
class Finished:
    """How a worker ended: its exit code (None when it ran past its time and was killed) and its last words."""

    code: int | None
    stderr: str


def environment(*, defaults: Mapping[str, str], overrides: Mapping[str, str]) -> dict[str, str]:
    """``defaults``, then this process's environment, then ``overrides``: read under the lock that starting a
    server holds while it sets ``SERVER_ENV`` in this process's environment."""
    with _LOCK:
        return {**defaults, **os.environ, **overrides}


def run_worker(
    args: list[str], *, cwd: Path, env: Mapping[str, str], timeout: float, show_stderr: bool = False
) -> Finished:
    """``python -m kanguri.worker *args`` in ``cwd`` with ``env``, forked from the warm server.

    Its standard error is kept (the tail comes back), or shown as it is written with ``show_stderr``; its
    standard output is dropped, as before. Raises :class:`LauncherError` when the server cannot start it or
    is lost while it runs (the worker is then killed). An interpreter that ignores the environment (``-E``,
    ``-I``) would start a server without ``SERVER_ENV``: the worker then starts as ``python -m`` instead.
    """
    if sys.flags.ignore_environment:
        return _run_fresh(args, cwd=cwd, env=env, timeout=timeout, show_stderr=show_stderr)
    with tempfile.TemporaryFile() as kept:
        err = 2 if show_stderr else kept.fileno()
        proc = _start(args, str(cwd), dict(env), err)
        code: int | None = None
        lost = False
        try:
            proc.join(timeout)
            code = proc.exitcode
        finally:  # a timeout, or an exception here (Ctrl-C): the worker does not outlive the call
            if proc.exitcode is None:
                proc.kill()
                proc.join()
            elif proc.exitcode == SERVER_LOST and cache.alive(proc.pid):  # the server, not the worker, ended
                os.kill(proc.pid, signal.SIGKILL)
                lost = True
        proc.close()
        kept.seek(0)
        tail = kept.read().decode("utf-8", "replace")[-STDERR_TAIL:]
    if lost:
        raise LauncherError(f"the fork server that started the worker was lost while it ran{_said(tail)}")
    return Finished(code, tail)


def _run_fresh(
    args: list[str], *, cwd: Path, env: Mapping[str, str], timeout: float, show_stderr: bool
) -> Finished:
    cmd = [sys.executable, "-m", "kanguri.worker", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=None if show_stderr else subprocess.PIPE,
        )
    except subprocess.TimeoutExpired:
        return Finished(None, "")
    stderr = (proc.stderr or b"").decode("utf-8", "replace")
    return Finished(proc.returncode, stderr[-STDERR_TAIL:])


def _start(args: list[str], cwd: str, env: dict[str, str], err: int) -> Any:
    ctx = multiprocessing.get_context("forkserver")
    proc = ctx.Process(target=_worker, args=(args, cwd, env, _Fd(err)), daemon=False)
    with _LOCK:
        default_method = multiprocessing.get_start_method(allow_none=True)
        ctx.set_forkserver_preload(list(PRELOAD))
        try:
            with _server_environment(), _main_module_hidden():
                proc.start()
            # another thread's Process.start() polls every process in this set; two threads reading one
            # worker's exit code would leave one of them with nothing (read as a lost server): this call waits
            # for its own worker alone
            multiprocessing.process._children.discard(proc)  # type: ignore[attr-defined]
        except (OSError, EOFError) as e:  # no process, or the server died while it forked
            raise LauncherError(f"cannot start the worker: {e}") from e
        finally:
            if default_method is None:  # starting one must not fix this process's default start method
                multiprocessing.set_start_method(None, force=True)
    return proc


def _said(tail: str) -> str:
    lines = [ln for ln in tail.splitlines() if ln.strip()]
    return f": {lines[-1].strip()}" if lines else ""


@contextlib.contextmanager
def _server_environment() -> Iterator[None]:
    """Start (or restart) the server with ``SERVER_ENV``: it takes this process's environment when it starts."""
    saved = {k: os.environ.get(k) for k in SERVER_ENV}
    os.environ.update(SERVER_ENV)
    try:
        forkserver.ensure_running()
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """multiprocessing would import this process's main script again in the worker (its rule for spawned
    processes), running whatever a script leaves unguarded by ``if __name__ == "__main__"``; the worker needs
    nothing from it, so the parent shows none while the worker starts."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _Fd:
    """A file descriptor handed to the worker; multiprocessing passes it over the server's socket."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _inherited, (reduction.DupFd(self.fd),)


def _inherited(dup: Any) -> int:
    return dup.detach()


def _worker(args: list[str], cwd: str, env: dict[str, str], stderr: int) -> None:
    """In the forked worker: what ``python -m kanguri.worker`` would have (environment, folder, import path,
    arguments, start method, its own exit handlers), then the worker. multiprocessing has set the parent's
    import path and folder; the project's root goes first."""
    sys.stdout.flush()
    sys.stderr.flush()
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
    if stderr != 2:
        os.dup2(stderr, 2)
        os.close(stderr)
    if sys.flags.hash_randomization:  # a server started by other code, without SERVER_ENV
        sys.exit("kanguri.launcher: the fork server was started without PYTHONHASHSEED=0; results would vary")
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.path[:] = [cwd, *(p for p in sys.path if p not in ("", cwd))]
    importlib.invalidate_caches()
    atexit._clear()  # the server's (matplotlib's may remove a folder every worker shares); the worker's own run
    multiprocessing.set_start_method(None, force=True)  # the platform's default again, not the fork server
    from kanguri import worker

    sys.argv = [worker.__file__, *args]
    try:
        code = worker.main(args)
    finally:
        atexit._run_exitfuncs()  # a forked process ends with os._exit, which skips them
    sys.exit(code)
