"""Fault injection (issue 27): each probe that once failed, reproduced on a toy project.

Bad input, broken claims, corrupted and hostile frozen records, a read-only cache, ``kill -9``, a full disk, a
hanging scheduler and concurrent notebook builds: each must fail loudly where it should, and only there.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from experiments.common.stats import Estimate
from kanguri import cache, cli, frozen, notebook, notebooks, registry, runner, scaffold
from kanguri.errors import ClaimError
from kanguri.paths import root
from kanguri.sources import load_sources
from tests import toy


def _env(root: Path, cache_dir: Path) -> dict[str, str]:
    return os.environ | {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(cache_dir)}


def _kanguri(root: Path, cache_dir: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "kanguri.cli", *args]
    return subprocess.run(
        cmd, cwd=root, env=_env(root, cache_dir), capture_output=True, text=True, timeout=120
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- 2. verify never passes a failure -----------------------------------------------------------------
def test_verify_fails_on_a_crash_without_a_frozen_record(toy_project, capsys):
    toy.write_claim(toy_project, "toy-mean", mode="crash")
    registry.refresh()
    assert cli.main(["verify", "--profile", "quick"]) == 1
    out = capsys.readouterr().out
    assert "toy-mean: FAILED: RuntimeError: the toy experiment crashed on purpose" in out
    assert "no frozen record" in out


def test_verify_fails_on_a_missing_or_corrupt_frozen_record(toy_project, capsys):
    assert cli.main(["verify", "--profile", "quick"]) == 1, "a claim with no frozen record is not verified"
    assert "toy-mean: no frozen record" in capsys.readouterr().out
    frozen.freeze("quick")
    assert cli.main(["verify", "--profile", "quick"]) == 0
    record = toy_project / "results" / "quick" / "toy-mean" / "record.json"
    record.write_text(record.read_text()[:50])
    assert cli.main(["verify", "--profile", "quick"]) == 1
    assert "toy-mean: the frozen record is corrupt" in capsys.readouterr().out


def test_verify_a_subset_of_the_claims(toy_project, capsys):
    toy.write_claim(toy_project, "toy-other", mode="crash")
    registry.refresh()
    assert cli.main(["verify", "--profile", "quick"]) == 1
    capsys.readouterr()
    frozen_dir = toy_project / "results" / "quick"
    frozen_dir.mkdir(parents=True)
    runner.run("toy-mean", "quick")
    shutil.copytree(cache.entry_dir("toy-mean", "quick"), frozen_dir / "toy-mean")
    assert cli.main(["verify", "--profile", "quick", "--claims", "toy-mean"]) == 0
    out = capsys.readouterr().out
    assert "toy-mean: supported" in out and "toy-other" not in out and "\n1 claims:" in out
    assert cli.main(["verify", "--claims", "toy-mean,nope"]) == 2
    assert "unknown claim 'nope'" in capsys.readouterr().err


# --- 3. notebook kernels: nothing in the tree, no collision between builds ---------------------------
BUILD = """
import sys, time
from pathlib import Path
import psutil
from kanguri import notebooks
lang, other, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
notebooks.build("toy-mean", lang, out)
t0 = time.perf_counter()
notebooks.build("toy-mean", other, out)  # ran in the same kernel, right after: a cache hit now
print(len(psutil.Process().children(recursive=True)), time.perf_counter() - t0)
"""


def test_two_notebook_builds_at_once_leave_nothing_behind(toy_project, tmp_path):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD, lang, other, str(tmp_path / f"out-{lang}")],
            cwd=toy_project,
            env=_env(toy_project, tmp_path / f"cache-{lang}"),  # separate caches: both kernels really run
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lang, other in (("ja", "en"), ("en", "ja"))
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    for (out, _), lang in zip(outs, ("ja", "en"), strict=True):
        children, second = out.split()
        assert children == "0", "the kernel was shut down, not left running until the build ends"
        assert float(second) < 5, "the other language came from the same kernel's run"
        for nb_lang in ("ja", "en"):
            nb = tmp_path / f"out-{lang}" / f"toy-mean.{nb_lang}.ipynb"
            assert "quick+seed=1" in notebooks.outputs_text(nb)
            cells = json.loads(nb.read_text())["cells"]
            assert [c["execution_count"] for c in cells if c["cell_type"] == "code"] == [1, 2, 3]
    assert not [p.name for p in toy_project.iterdir() if p.name.startswith("kernel")], "sockets left behind"


# --- 4. NaN and infinity --------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["value", "lo", "hi"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_an_estimate_rejects_nan_and_infinity(field, bad):
    numbers = {"value": 1.0, "lo": 0.5, "hi": 1.5} | {field: bad}
    with pytest.raises(ValueError, match=rf"Estimate \(t-interval, n=5\): {field} is {bad}"):
        Estimate(**numbers, method="t-interval", n=5)


def test_a_nan_report_value_names_the_value_and_the_claim(toy_project):
    path = toy.write_claim(toy_project, "toy-other")
    _edit(path, "value=ev.mean,", 'value=float("nan"),')
    registry.refresh()
    record = runner.run("toy-other", "quick")
    assert record["status"] == "failed"
    assert "validation error" not in record["error"]
    assert "claim toy-other: report value 'mean': value is nan" in record["error"], record["error"]


# --- 6. ids are slugs; the scaffold writes only inside the project ----------------------------------
@pytest.mark.parametrize("bad", ["../../evil", "Bad Id", "a/b", "-lead"])
def test_the_catalogue_rejects_ids_that_are_not_slugs(toy_project, bad):
    catalogue = toy_project / "claims" / "catalogue.yml"
    catalogue.write_text(
        catalogue.read_text()
        + f"  - {{id: {json.dumps(bad)}, section: quantum, kind: experiment, title: {{ja: 悪, en: Bad}},\n"
        + "     claim: {ja: 悪い, en: Bad}}\n"
    )
    registry.refresh()
    with pytest.raises(ClaimError, match=rf"catalogue: claim id {json.dumps(bad)} is not a slug"):
        registry.catalogue()
    outside = toy_project.parent.parent / "evil.py"
    assert cli.main(["new", "--", bad]) == 2
    assert not outside.exists() and not (toy_project / "claims" / "Bad Id.py").exists()


def test_the_scaffold_refuses_a_path_outside_the_project(toy_project):
    inside = toy_project / "claims" / "x.py"
    assert scaffold.inside_project(inside) == inside.resolve()
    for outside in (toy_project / "claims" / ".." / ".." / "evil.py", Path("/tmp/evil.py")):
        with pytest.raises(ClaimError, match="outside the project"):
            scaffold.inside_project(outside)


# --- 7. kill -9 of the command --------------------------------------------------------------------
def _descendants(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(pid).children(recursive=True)
    return []


def test_kill_9_of_the_command_stops_its_worker_and_staging_is_swept(toy_project, tmp_path):
    toy.write_claim(toy_project, "toy-other", mode="sleep")  # sleeps 60 s
    cache_dir = tmp_path / "cache"
    env = _env(toy_project, cache_dir)
    cmd = [sys.executable, "-m", "kanguri.cli", "run", "toy-other"]
    command = subprocess.Popen(
        cmd, cwd=toy_project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        # the worker is a child of the command's fork server, and watches the command once it runs its claim
        forked: list[psutil.Process] = []
        while time.monotonic() < deadline and not (forked and any((cache_dir / ".staging").glob("*"))):
            time.sleep(0.2)
            workers = _descendants(command.pid)
            forked = [p for p in workers if _parent(p) not in (command.pid, None) and _watching(p)]
        assert forked, "the worker started"
        command.kill()
        command.wait()
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, "the worker exits when the command that started it dies"
    finally:
        for p in _descendants(command.pid) + workers:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
    assert any((cache_dir / ".staging").iterdir()), "kill -9 left its staging folder"
    again = subprocess.run(
        [sys.executable, "-m", "kanguri.cli", "run", "toy-mean"],
        cwd=toy_project,
        env=env,
        capture_output=True,
    )
    assert again.returncode == 0
    assert not any((cache_dir / ".staging").iterdir()), "the next start removed the stale staging folder"


def _parent(p: psutil.Process) -> int | None:
    with contextlib.suppress(psutil.NoSuchProcess):
        return p.ppid()
    return None


def _watching(p: psutil.Process) -> bool:
    """The worker's second thread: the one that watches the command (started before the claim runs)."""
    with contextlib.suppress(psutil.NoSuchProcess):
        return p.num_threads() > 1
    return False


def test_a_killed_worker_takes_its_trial_processes_with_it(tmp_path):
    """A timeout or ``kill -9`` ends a claim's worker; the local pool it started must not wait on forever."""
    code = "import time; from experiments.common.parallel import run_all; run_all(time.sleep, [60, 60], on_gpu=False, desc='')"
    env = os.environ | {"KANGURI_EXECUTOR": "local"}
    worker = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, env=env)
    trials: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(trials) < 2:
            time.sleep(0.2)
            trials = [p for p in _descendants(worker.pid) if "spawn_main" in " ".join(p.cmdline())]
        assert len(trials) == 2, "the pool started"
        worker.kill()
        worker.wait()
        _, alive = psutil.wait_procs(trials, timeout=10)
        assert not alive, "the trial processes exit when their worker dies"
    finally:
        for p in _descendants(worker.pid) + trials:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()


def test_a_live_build_keeps_its_staging_folder(toy_project):
    staged = cache.staging_dir()
    cache.sweep_staging()
    assert staged.is_dir(), "a folder of a live process is not swept"


# --- 8. a read-only cache ---------------------------------------------------------------------------
@pytest.fixture
def shared_project(tmp_path, monkeypatch) -> Iterator[Path]:
    """A toy project another user can read (pytest's own tmp folders are private to their owner)."""
    top = Path(tempfile.mkdtemp(prefix="kanguri-ro-"))
    top.chmod(0o755)
    root = toy.make_project(top / "project")
    toy.write_claim(root, "toy-other")
    monkeypatch.setenv("KANGURI_ROOT", str(root))
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(root))
    registry.refresh()
    yield root
    registry.refresh()
    shutil.rmtree(top)


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    """Run as ``nobody`` when the tests run as root, who may write anywhere (the permissions then count)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_a_read_only_cache_serves_frozen_records(shared_project, monkeypatch):
    frozen.freeze("quick")
    shutil.rmtree(shared_project / "results" / "quick" / "toy-other")  # toy-other must compute
    read_only = shared_project.parent / "read-only-cache"
    read_only.mkdir()
    read_only.chmod(0o555)
    monkeypatch.setenv("KANGURI_CACHE", str(read_only))
    with _unprivileged():
        served, must_compute = (runner.run(c, "quick") for c in ("toy-mean", "toy-other"))
    assert served["status"] == "ok" and served["origin"] == "frozen" and served["cached"]
    frozen_files = sorted(p.name for p in (shared_project / "results" / "quick" / "toy-mean").iterdir())
    assert sorted(p.name for p in Path(served["dir"]).iterdir()) == frozen_files
    assert must_compute["status"] == "failed"
    assert must_compute["error"].startswith(f"the record cache {read_only} is not writable"), must_compute
    assert not list(read_only.iterdir())


# --- 9. adopting a frozen record -----------------------------------------------------------------
@pytest.fixture
def frozen_pair(toy_project, tmp_path, monkeypatch) -> Path:
    """Both toy claims frozen at the quick profile; then a fresh cache, as on a fresh clone."""
    toy.write_claim(toy_project, "toy-other")
    registry.refresh()
    frozen.freeze("quick")
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "fresh-cache"))
    return toy_project / "results" / "quick"


def _manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text())


def test_another_claims_record_is_not_adopted(frozen_pair):
    mean_key = _manifest(frozen_pair / "toy-mean")["key"]
    shutil.rmtree(frozen_pair / "toy-mean")
    shutil.copytree(frozen_pair / "toy-other", frozen_pair / "toy-mean")
    manifest = _manifest(frozen_pair / "toy-mean") | {"key": mean_key}
    (frozen_pair / "toy-mean" / "manifest.json").write_text(json.dumps(manifest))
    record = runner.run("toy-mean", "quick")
    assert record["origin"] == "computed" and record["claim"] == "toy-mean"


def test_an_empty_manifest_does_not_let_an_edited_record_through(frozen_pair):
    d = frozen_pair / "toy-mean"
    _edit(d / "record.json", '"verdict": "supported"', '"verdict": "not-supported"')
    (d / "manifest.json").write_text(json.dumps(_manifest(d) | {"files": {}}))
    record = runner.run("toy-mean", "quick")
    assert record["origin"] == "computed" and record["decision"]["verdict"] == "supported"


def test_only_the_files_of_the_manifest_are_published(frozen_pair):
    d = frozen_pair / "toy-mean"
    (d / "stray.en.svg").write_text("<svg><script>alert(1)</script></svg>")
    record = runner.run("toy-mean", "quick")
    assert record["origin"] == "frozen", "the record itself is intact"
    entry = Path(record["dir"])
    assert not (entry / "stray.en.svg").exists()
    assert "stray.en.svg" not in _manifest(entry)["files"]
    assert sorted(_manifest(entry)["files"]) == sorted(_manifest(d)["files"])


def test_a_manifest_cannot_name_files_outside_its_folder(frozen_pair):
    d = frozen_pair / "toy-mean"
    outside = frozen_pair.parent.parent / "outside.txt"
    outside.write_text("not the record's")
    name = os.path.relpath(outside, d)
    manifest = _manifest(d)
    manifest["files"][name] = hashlib.sha256(outside.read_bytes()).hexdigest()
    (d / "manifest.json").write_text(json.dumps(manifest))
    record = runner.run("toy-mean", "quick")
    assert record["origin"] == "computed"
    assert sorted(p.name for p in Path(record["dir"]).iterdir()) == [
        "fig.en.svg",
        "fig.ja.svg",
        "manifest.json",
        "record.json",
    ]


# --- 10. sources -----------------------------------------------------------------------------------
CITED = """values:
  {name}:
    label: {{ja: "値", en: "value"}}
    {body}
    citation:
      source: "Author, Title, 2024"
      locator: "p. 1"
      quote: "1.0"
      checked: {checked}
      url: "https://example.org"
"""


def _sources(tmp_path: Path, *entries: tuple[str, str, str]) -> Path:
    path = tmp_path / "c.sources.yml"
    text = "".join(CITED.format(name=n, body=b, checked=c) for n, b, c in entries)
    path.write_text(text.replace("\nvalues:\n", "\n"), encoding="utf-8")
    return path


def test_a_citation_checked_in_the_future_is_rejected(tmp_path):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    load_sources("c", _sources(tmp_path, ("x", "value: 1.0", datetime.date.today().isoformat())))
    for checked in (tomorrow.isoformat(), "2099-01-01"):
        with pytest.raises(ValueError, match=rf"c\.sources\.yml: values\.x\.citation\.checked: .*{checked}"):
            load_sources("c", _sources(tmp_path, ("x", "value: 1.0", checked)))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("value: .nan", "value"),
        ("value: .inf", "value"),
        ("low: .nan\n    high: 2.0", "low"),
        ("low: 1.0\n    high: -.inf", "high"),
    ],
)
def test_nan_and_infinity_in_sources_name_the_file_and_the_field(tmp_path, body, field):
    with pytest.raises(
        ValueError, match=rf"claim c: c\.sources\.yml: values\.x\.{field}: .*not a finite number"
    ):
        load_sources("c", _sources(tmp_path, ("x", body, "2026-01-01")))


def test_a_low_above_its_high_as_separate_values_is_rejected(tmp_path):
    ok = _sources(
        tmp_path, ("rate_low", "value: 0.1", "2026-01-01"), ("rate_high", "value: 2.0", "2026-01-01")
    )
    load_sources("c", ok)
    bad = _sources(
        tmp_path, ("rate_low", "value: 3.0", "2026-01-01"), ("rate_high", "value: 2.0", "2026-01-01")
    )
    with pytest.raises(
        ValueError, match=r"claim c: c\.sources\.yml: .*values\.rate_low 3\.0 is above values\.rate_high 2\.0"
    ):
        load_sources("c", bad)


# --- 11. the dask scheduler -------------------------------------------------------------------------
def test_an_unreachable_scheduler_fails_fast_in_one_line(toy_project, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    out = _kanguri(
        toy_project,
        tmp_path / "c",
        "run",
        "toy-mean",
        "--executor",
        "dask",
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
    )
    wall = time.monotonic() - t0
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        f"kanguri: cannot reach the dask scheduler at tcp://127.0.0.1:{port}: Connection refused"
    ], out.stderr
    assert wall < 10, f"{wall:.1f} s"  # 3 s of waiting plus the command's start-up, on a busy machine


def test_a_server_that_is_not_a_dask_scheduler_fails_in_one_line(toy_project, tmp_path):
    with socket.socket() as s:  # it accepts connections and never says a word
        s.bind(("127.0.0.1", 0))
        s.listen(4)
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
        t0 = time.monotonic()
        out = _kanguri(
            toy_project, tmp_path / "c", "run", "toy-mean", "--executor", "dask", "--scheduler", address
        )
        wall = time.monotonic() - t0
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        f"kanguri: no dask scheduler answers at {address} (waited 3 s)"
    ]
    assert wall < 12, f"{wall:.1f} s"


def test_a_scheduler_without_the_dask_executor_is_an_error(toy_project, tmp_path):
    out = _kanguri(toy_project, tmp_path / "c", "run", "toy-mean", "--scheduler", "tcp://127.0.0.1:1")
    assert out.returncode == 2 and "--scheduler needs --executor dask" in out.stderr
    assert not (tmp_path / "c").exists(), "nothing ran"


# --- 12. small errors -------------------------------------------------------------------------------
def test_the_notebook_api_validates_changed_parameters(toy_project):
    with pytest.raises(ValueError, match=r"claim toy-mean: seed='abc' is a str; the parameter takes an int"):
        notebook.run("toy-mean", seed="abc")
    with pytest.raises(
        ValueError, match=r"claim toy-mean: no parameter 'sede'; it has \['mode', 'samples', 'seed'\]"
    ):
        notebook.run("toy-mean", sede=1)
    with pytest.raises(ValueError, match=r"seed=True is a bool"):
        notebook.run("toy-mean", seed=True)
    assert not cache.cache_dir().exists(), "nothing ran"
    assert notebook.run("toy-mean", seed=1)["profile"] == "quick+seed=1"


FULL_DISK = """
def _fill_the_disk():  # called by report(), so only in the worker
    import atexit, sys
    from pathlib import Path

    record = Path(sys.argv[3]) / "record.json"  # the worker's output folder
    record.symlink_to("/dev/full")  # every write to it fails with ENOSPC, as on a full disk

    @atexit.register
    def _as_a_full_disk_leaves_it():  # an empty file, not a device the runner would read forever
        record.unlink()
        record.write_text("")


def report(r):
    _fill_the_disk()
"""


def test_a_full_disk_shows_its_cause(toy_project):
    path = toy.write_claim(toy_project, "toy-other")
    _edit(path, "def report(r):\n", FULL_DISK)
    registry.refresh()
    record = runner.run("toy-other", "quick")
    assert record["status"] == "failed"
    assert "No space left on device" in record["error"], record["error"]


def test_a_notebook_that_cannot_be_built_is_not_served_from_the_last_build(toy_project, tmp_path):
    out = tmp_path / "notebooks"
    out.mkdir()
    old = [out / "toy-other.en.py", out / "toy-other.en.ipynb"]  # the last build's, when toy-other worked
    for p in old:
        p.write_text("{}")
    with pytest.raises(ClaimError, match="planned"):
        notebooks.build("toy-other", "en", out)  # toy-other has no module now
    assert not [p for p in old if p.exists()]


# --- performance: a fresh clone executes no notebook ---------------------------------------------------
def test_every_walkthrough_notebook_is_frozen_for_the_current_code():
    """``make test`` and ``make site`` on a fresh clone serve the executed notebooks from ``results/notebooks/``
    when their key (script, records, ``show``) is current; a stale one costs a kernel and the claim's quick run
    at the next seed (as long as its quick run: benchmarks/test_costs.py)."""
    registry.refresh()
    frozen_notebooks = root() / "results" / "notebooks"
    stale = [
        f"{cid}.{lang}"
        for cid in registry.implemented()
        for lang in ("ja", "en")
        if not (frozen_notebooks / notebooks._cached(cid, lang, notebooks.script(cid, lang)).name).is_file()
    ]
    assert not stale, (
        f"walkthrough notebooks not frozen for the current code (make site && make freeze): {stale}"
    )
