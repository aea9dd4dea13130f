"""Workers forked from the warm server (kanguri.launcher) see what ``python -m kanguri.worker`` would."""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from kanguri import registry, runner
from tests import toy

SEEN = """
_run = run


def run(cfg):  # records what the worker sees, in its output folder (its third argument)
    import json, multiprocessing, os, sys
    from pathlib import Path

    seen = {"cwd": os.getcwd(), "path0": sys.path[0], "argv": sys.argv[1:], "root": os.environ["KANGURI_ROOT"],
            "hash": hash("kanguri"), "omp": os.environ.get("OMP_WAIT_POLICY"), "main": getattr(sys.modules["__main__"], "__file__", None),
            "start_method": multiprocessing.get_start_method(allow_none=True)}
    Path(sys.argv[3], "seen.json").write_text(json.dumps(seen))
    return _run(cfg)
"""


def test_a_worker_sees_what_python_m_would_give_it(toy_project):
    toy.write_claim(toy_project, "toy-other")
    with (toy_project / "experiments" / "toy_other.py").open("a") as f:
        f.write(SEEN)
    registry.refresh()
    record = runner.run("toy-other", "quick")
    assert record["status"] == "ok", record.get("error")
    seen = json.loads((Path(record["dir"]) / "seen.json").read_text())
    seed_0 = subprocess.run(
        [sys.executable, "-c", "print(hash('kanguri'))"],
        env=os.environ | {"PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen["cwd"] == seen["path0"] == seen["root"] == str(toy_project)
    assert seen["argv"][:2] == ["toy-other", "quick"]
    assert seen["hash"] == int(seed_0.stdout), (
        "the worker hashes as with PYTHONHASHSEED=0, whatever its parent"
    )
    assert seen["omp"] == "PASSIVE"
    assert seen["main"] is None, "the parent's main script (pytest's) was not imported again"
    assert seen["start_method"] is None, "the worker's default start method is the platform's, as before"


def test_a_script_without_a_main_guard_runs_its_claim_once(toy_project, tmp_path):
    """multiprocessing would import the parent's main script again in the worker; unguarded, this script would
    then run the claim again inside its own worker and wait on its own lock for ever."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import multiprocessing\nfrom kanguri import runner\n"
        "print(runner.run('toy-mean', 'quick')['status'])\n"
        "print(multiprocessing.get_start_method(allow_none=True))\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)], env=dict(os.environ), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["ok", "None"], "and the script's own default start method is left unset"


def _server_and_worker(timeout_s: float = 60) -> tuple[psutil.Process, psutil.Process]:
    """This process's fork server and the worker it forked, once both exist."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        servers = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
        workers = [w for s in servers for w in s.children()]
        if workers:
            return servers[0], workers[0]
        time.sleep(0.1)
    raise AssertionError("no worker was forked")


def test_a_lost_fork_server_fails_the_claim_and_takes_its_worker(toy_project):
    toy.write_claim(toy_project, "toy-other", mode="sleep")  # sleeps 60 s
    registry.refresh()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(runner.run, "toy-other", "quick")
        server, worker = _server_and_worker()
        server.kill()
        record = running.result(timeout=30)
    assert record["status"] == "failed"
    assert "fork server" in record["error"] and "lost" in record["error"], record["error"]
    worker.wait(timeout=10)  # killed, not left to sleep on
    assert runner.run("toy-mean", "quick")["status"] == "ok", "the next claim starts a new server"


def test_a_worker_that_exits_with_255_is_not_a_lost_server(toy_project):
    toy.write_claim(toy_project, "toy-other")
    with (toy_project / "experiments" / "toy_other.py").open("a") as f:
        f.write("\n\ndef run(cfg):\n    raise SystemExit(255)\n")
    registry.refresh()
    record = runner.run("toy-other", "quick")
    assert record["status"] == "failed"
    assert record["error"].startswith("worker exited with code 255"), record["error"]


def test_claims_started_from_threads_all_come_back(toy_project):
    """Builds start claims from threads. Each thread waits for its own worker alone (multiprocessing would let
    another thread's start read its exit code first; that race is too narrow to reproduce on demand, so this
    checks only that concurrent starts all come back)."""
    ids = [f"toy-t{i}" for i in range(6)]
    for cid in ids:
        toy.write_claim(toy_project, cid)
    with (toy_project / "claims" / "catalogue.yml").open("a", encoding="utf-8") as f:
        for cid in ids:
            f.write(
                f"  - {{id: {cid}, section: quantum, kind: experiment, title: {{ja: {cid}, en: {cid}}},\n"
            )
            f.write(f"     claim: {{ja: {cid}, en: {cid}}}}}\n")
    registry.refresh()
    with ThreadPoolExecutor(3) as pool:
        records = list(pool.map(lambda cid: runner.run(cid, "quick"), ids))
    assert [r["status"] for r in records] == ["ok"] * len(ids), [r.get("error") for r in records]


def test_an_interpreter_that_ignores_the_environment_starts_workers_as_python_m(toy_project, tmp_path):
    """Under ``python -E`` the fork server would ignore PYTHONHASHSEED=0 (and its workers refuse to run)."""
    script = tmp_path / "isolated.py"
    script.write_text("from kanguri import runner\nprint(runner.run('toy-mean', 'quick')['status'])\n")
    proc = subprocess.run(
        [sys.executable, "-E", str(script)], env=dict(os.environ), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["ok"]
