"""``kanguri``: list claims, run them, scaffold a new one, freeze and verify records, render the pages."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kanguri import export, frozen, notebooks, registry, runner, scaffold
from kanguri.claim import PROFILES
from kanguri.errors import ClaimError
from kanguri.render import VERDICT_LABEL, record_verdict

EXECUTORS = ("local", "dask", "submitit")
CONNECT_TIMEOUT_S = 3  # an unreachable --scheduler fails after this, not after dask's 30 s and a traceback


class UsageError(Exception):
    """A command that cannot start as given; ``main`` prints the message as one line."""


def cmd_list(_: argparse.Namespace) -> int:
    for e in registry.catalogue()[1]:
        state = "implemented" if e.implemented else "planned"
        print(f"{e.id:36} {e.section:8} {e.kind:11} {state}")
    return 0


@contextmanager
def executor(name: str, scheduler: str | None, workers: int | None) -> Iterator[int]:
    """Point every claim run from here at one engine for its trials; yield how many claims to run at once.

    With ``dask`` and no ``--scheduler``, one embedded LocalCluster serves every claim of this command, and
    as many claims run at once as it has workers; with ``local`` claims run one after another, each using all
    the cores for its own trials.
    """
    os.environ["KANGURI_EXECUTOR"] = name
    if name != "dask":
        yield 1
        return
    if scheduler:
        os.environ["KANGURI_SCHEDULER"] = scheduler
        with _client(scheduler) as client:
            yield max(1, len(client.scheduler_info()["workers"]))
        return
    from distributed import LocalCluster

    n = workers or os.cpu_count() or 1
    with LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        os.environ["KANGURI_SCHEDULER"] = cluster.scheduler_address
        try:
            yield n
        finally:
            del os.environ["KANGURI_SCHEDULER"]


def _client(address: str) -> Any:
    """A client of the dask scheduler at ``address``, or a one-line error within a few seconds."""
    if urlsplit(address).scheme == "tcp":
        _check_scheduler(address)
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as e:
        raise UsageError(f"cannot reach the dask scheduler at {address}: {e}") from None


def _check_scheduler(address: str) -> None:
    """Something at ``address`` answers as a dask scheduler within ``CONNECT_TIMEOUT_S``. A closed port is
    refused at once, before dask is imported; a server that is not dask's would hang ``Client`` for good."""
    where = urlsplit(address)
    if not where.hostname or not where.port:
        raise UsageError(f"--scheduler {address}: give it as tcp://HOST:PORT")
    try:
        socket.create_connection((where.hostname, where.port), timeout=CONNECT_TIMEOUT_S).close()
    except TimeoutError:
        raise UsageError(
            f"cannot reach the dask scheduler at {address}: no answer in {CONNECT_TIMEOUT_S} s"
        ) from None
    except (OSError, ValueError) as e:
        raise UsageError(
            f"cannot reach the dask scheduler at {address}: {getattr(e, 'strerror', None) or e}"
        ) from None
    import asyncio

    from distributed.comm import connect

    async def identity() -> None:
        comm = await connect(address, timeout=CONNECT_TIMEOUT_S)
        try:
            await comm.write({"op": "identity", "reply": True})
            await comm.read()
        finally:
            await comm.close()

    try:
        asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT_S))
    except TimeoutError:
        raise UsageError(f"no dask scheduler answers at {address} (waited {CONNECT_TIMEOUT_S} s)") from None
    except OSError as e:
        raise UsageError(f"no dask scheduler answers at {address}: {e}") from None


def _report(cid: str, record: dict) -> bool:
    verdict = record_verdict(record)
    if record.get("status") != "ok":
        print(f"{cid}: FAILED: {record.get('error')}")
        return False
    holds = runner.verdict_holds(cid, record)
    how = "cached" if record.get("cached") else f"{record['wall_seconds']:.1f} s"
    control = record["control"]["verdict"] if record["control"] else "none (an opinion)"
    print(
        f"{cid}: {VERDICT_LABEL[verdict].en} / {VERDICT_LABEL[verdict].ja} ({how}); "
        f"negative control: {control}; {'matches' if holds else 'DOES NOT match'} the stated verdict"
    )
    for reason in record["decision"]["reasons"]:
        print(f"  - {reason['en']}")
    if mapped := record.get("robustness"):
        grid = [s for s in mapped["specs"] if not s["null"]]
        same = sum(s["verdict"] == record["decision"]["verdict"] for s in grid)
        print(f"  robustness: {mapped['label']} (the same verdict in {same} of {len(grid)} specifications)")
    print(f"  record: {record['dir']}/record.json")
    return holds


def cmd_run(args: argparse.Namespace) -> int:
    ids = registry.implemented() if args.claim == "all" else [args.claim]
    with executor(args.executor, args.scheduler, args.workers) as capacity:
        jobs = args.jobs or capacity
        progress = sys.stderr.isatty() and jobs == 1
        for cid in ids:
            print(f"{cid} [{args.profile}] …", file=sys.stderr)
        with ThreadPoolExecutor(jobs) as pool:  # each claim runs in its own worker process
            records = pool.map(
                lambda c: runner.run(c, args.profile, force=args.force, progress=progress), ids
            )
            ok = [_report(cid, record) for cid, record in zip(ids, records, strict=True)]
    return 0 if all(ok) else 1


def cmd_new(args: argparse.Namespace) -> int:
    for path in scaffold.create(args.claim):
        print(f"created {path}")
    print(
        f"next: fill in the TODOs (see docs/contributing), run `kanguri run {args.claim} --profile quick`, "
        "then `pytest claims/`; until then the claim reads not-testable"
    )
    return 0


def cmd_freeze(args: argparse.Namespace) -> int:
    if args.source is not None:  # records computed elsewhere: the GPU run's output
        for path in frozen.adopt(args.profile, args.source):
            print(f"froze {path}")
        return 0
    for path in frozen.freeze(args.profile, allow_dirty=args.allow_dirty):
        print(f"froze {path}")
    for path in notebooks.freeze():  # the executed walkthroughs of the current code, if a build made them
        print(f"froze {path}")
    return 0


def _claims(arg: str | None) -> list[str] | None:
    """``--claims a,b``: those claims, each checked against the catalogue before anything runs."""
    if arg is None:
        return None
    ids = [c.strip() for c in arg.split(",") if c.strip()]
    for cid in ids:
        if not registry.entry(cid).implemented:  # an unknown id raises, naming the catalogue's
            raise UsageError(f"claim {cid} is planned: there is nothing to verify")
    return ids


def cmd_verify(args: argparse.Namespace) -> int:
    ids = _claims(args.claims)
    with executor(args.executor, args.scheduler, args.workers):
        comparisons = frozen.verify(args.profile, ids)
    for c in comparisons:
        if c.error:
            print(f"{c.claim}: FAILED: {c.error}")
        if c.note:
            print(f"{c.claim}: {c.note}")
        elif c.verdict_changed:
            print(
                f"{c.claim}: VERDICT CHANGED: {c.verdict_before} → {c.verdict_after} "
                f"(control {c.control_before} → {c.control_after})"
            )
        elif not c.error:
            print(f"{c.claim}: {c.verdict_after}, {len(c.moved)} value(s) moved")
        if args.diff:
            for line in c.moved:
                print(f"  - {line}")
    changed = sum(c.verdict_changed for c in comparisons)
    failed = sum(c.error is not None for c in comparisons)
    unmatched = sum(bool(c.note) for c in comparisons)
    moved = sum(len(c.moved) for c in comparisons)
    print(
        f"{len(comparisons)} claims: {changed} verdict(s) changed, {failed} failed, {unmatched} without a "
        f"usable frozen record, {moved} value(s) outside their interval"
    )
    return 0 if all(c.passed for c in comparisons) else 1


def cmd_render(args: argparse.Namespace) -> int:
    done = export.render_site(Path(args.out), args.profile)
    print(f"wrote {len(done.written)} files to {args.out}")
    for line in done.failures:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if done.failures else 0


def _executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=EXECUTORS, default=os.environ.get("KANGURI_EXECUTOR", "local"))
    p.add_argument("--scheduler", help="tcp://HOST:PORT of an existing dask cluster (with --executor dask)")
    p.add_argument("--workers", type=int, help="workers of the embedded dask cluster (default: one per core)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kanguri", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="the essay's claims and which are implemented").set_defaults(fn=cmd_list)
    r = sub.add_parser("run", help="run a claim's experiment (cached by content)")
    r.add_argument("claim", help="claim id, or 'all'")
    r.add_argument("--profile", choices=PROFILES, default="quick")
    r.add_argument("--force", action="store_true", help="ignore the cache")
    r.add_argument("--jobs", type=int, help="claims to run at once (default: the executor's capacity)")
    _executor_options(r)
    r.set_defaults(fn=cmd_run)
    n = sub.add_parser("new", help="scaffold a planned claim: module, experiment and both pages")
    n.add_argument("claim", help="an id from claims/catalogue.yml")
    n.set_defaults(fn=cmd_new)
    f = sub.add_parser("freeze", help="commit the current records to results/<profile>/ for fast builds")
    f.add_argument("--profile", choices=PROFILES, default="site")
    f.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="freeze the records in this folder (<id>/record.json), as computed",
    )
    f.add_argument(
        "--allow-dirty", action="store_true", help="freeze although the tree has uncommitted changes"
    )
    f.set_defaults(fn=cmd_freeze)
    v = sub.add_parser("verify", help="re-run every claim and compare with its frozen record")
    v.add_argument("--profile", choices=PROFILES, default="site")
    v.add_argument("--diff", action="store_true", help="print every value that moved outside its interval")
    v.add_argument("--claims", help="verify only these claims (comma-separated ids)")
    _executor_options(v)
    v.set_defaults(fn=cmd_verify)
    o = sub.add_parser("render", help="write the rendered Markdown and figures of every page, per language")
    o.add_argument("--out", required=True, help="output folder")
    o.add_argument("--profile", choices=PROFILES, default="site")
    o.set_defaults(fn=cmd_render)
    args = p.parse_args(argv)
    try:
        if getattr(args, "scheduler", None) and args.executor != "dask":
            raise UsageError("--scheduler needs --executor dask (it is the address of a dask scheduler)")
        return args.fn(args)
    except (ClaimError, UsageError) as e:
        print(f"kanguri: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
