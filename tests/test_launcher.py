"""Workers forked from the warm server (kanguri.launcher) see what ``python -m kanguri.worker`` would."""

import json
import os
import subprocess
import sys
from pathlib import Path

from kanguri import registry, runner
from tests import toy

SEEN = """
_run = run


def run(cfg):  # records what the worker sees, in its output folder (its third argument)
    import json, os, sys
    from pathlib import Path

    seen = {"cwd": os.getcwd(), "path0": sys.path[0], "argv": sys.argv[1:], "root": os.environ["KANGURI_ROOT"],
            "hash": hash("kanguri"), "omp": os.environ.get("OMP_WAIT_POLICY"), "main": getattr(sys.modules["__main__"], "__file__", None)}
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


def test_a_script_without_a_main_guard_runs_its_claim_once(toy_project, tmp_path):
    """multiprocessing would import the parent's main script again in the worker; unguarded, this script would
    then run the claim again inside its own worker and wait on its own lock for ever."""
    script = tmp_path / "unguarded.py"
    script.write_text("from kanguri import runner\nprint(runner.run('toy-mean', 'quick')['status'])\n")
    proc = subprocess.run(
        [sys.executable, str(script)], env=dict(os.environ), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["ok"]
