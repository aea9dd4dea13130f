"""Scale and publish: trials on another engine give the same numbers, concurrent builds share one cache
safely, frozen records serve a fresh clone, ``kanguri verify`` catches a changed verdict, and ``kanguri
render`` writes pages any generator can build."""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kanguri import cache, cli, frozen, provenance, registry, runner
from kanguri.worker import to_plain
from tests import toy
from tests.site_build import stale_frozen_records


@pytest.fixture
def parallel():
    """The module as imported now: ``registry.refresh()`` (other tests) drops it from ``sys.modules``, and a pool
    pickles its functions by name, so a copy imported before the refresh would no longer pickle."""
    return importlib.import_module("experiments.common.parallel")


def test_every_engine_keeps_the_order_of_the_trials(monkeypatch, parallel):
    jobs = [5, 1, 4, 2]  # out of their natural order; submitit starts a process per job, so a few
    for engine in ("local", "dask", "submitit"):
        monkeypatch.setenv("KANGURI_EXECUTOR", engine)
        monkeypatch.setenv("KANGURI_WORKERS", "2")
        monkeypatch.setenv(
            "KANGURI_SUBMITIT_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "kg-submitit")
        )
        # a builtin: workers import it by name (a test module is not importable under --import-mode=importlib)
        out = parallel.run_all(math.factorial, jobs, on_gpu=False, desc="factorials")
        assert out == [math.factorial(j) for j in jobs], engine


def test_an_unknown_engine_is_a_clear_error(monkeypatch, parallel):
    monkeypatch.setenv("KANGURI_EXECUTOR", "ray")
    with pytest.raises(ValueError, match="KANGURI_EXECUTOR='ray': choose one of"):
        parallel.run_all(math.factorial, [1, 2], on_gpu=False, desc="factorials")


def test_an_experiment_gives_the_same_values_on_dask_as_locally(monkeypatch):
    """A real experiment whose trials go through ``parallel.run_all`` (efficiency-over-scale's: spiking and
    conventional networks trained on the digits), bit for bit: the local pool against a LocalCluster of 2
    workers. A small configuration (two widths, two seeds, a few epochs) keeps it to seconds; the claims' own
    quick runs cover the full path through the runner."""
    exp = importlib.import_module("experiments.efficiency_over_scale")
    cfg = exp.Config(widths=(16, 32), hidden=16, seeds=2, epochs=3, ann_epochs=3, patience=2, draws=500)
    monkeypatch.setenv("KANGURI_WORKERS", "2")
    results = {}
    for engine in ("local", "dask"):
        monkeypatch.setenv("KANGURI_EXECUTOR", engine)
        monkeypatch.setattr(exp, "_RUNS", {})  # the experiment's memo of trained networks: train afresh
        results[engine] = _without_timings(to_plain(exp.run(cfg)))
    assert results["dask"] == results["local"]
    assert results["local"]["evidence"]["memory_ratio"]["value"] > 0  # numbers in it, not an empty shell


TIMINGS = {"seconds", "time_ratio"}  # wall-clock corroboration: never the same twice, on any engine


def _without_timings(x):
    if isinstance(x, dict):
        return {k: _without_timings(v) for k, v in x.items() if k not in TIMINGS}
    if isinstance(x, list):
        return [_without_timings(v) for v in x]
    return x


def _run_in_process(root: Path, cache_dir: Path, cid: str) -> subprocess.Popen:
    env = os.environ | {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(cache_dir), "PYTHONPATH": str(root)}
    code = (
        "import json; from kanguri import runner; "
        f"r = runner.run({cid!r}, 'quick'); print(json.dumps({{'cached': r.get('cached'), 'status': r['status'], 'error': r.get('error')}}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=root, stdout=subprocess.PIPE, text=True
    )


def test_two_builds_at_once_compute_a_claim_once(toy_project, tmp_path):
    toy.write_claim(toy_project, "toy-other", mode="nap")  # two seconds: long enough to overlap
    cache_dir = tmp_path / "cache"
    procs = [_run_in_process(toy_project, cache_dir, "toy-other") for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(o["status"] == "ok" for o in outs), outs
    assert sorted(o["cached"] for o in outs) == [False, True], "one computes, the other waits and reuses it"
    assert list((cache_dir / "toy-other").iterdir()) == [cache_dir / "toy-other" / "quick"]
    assert not any((cache_dir / ".staging").iterdir()), "nothing half-written is left behind"


def test_a_crashed_worker_leaves_no_entry_and_no_lock(toy_project):
    toy.write_claim(toy_project, "toy-other", mode="crash")
    assert runner.run("toy-other", "quick")["status"] == "failed"
    assert cache.load("toy-other", "quick") is None
    toy.write_claim(toy_project, "toy-other")
    assert runner.run("toy-other", "quick")["status"] == "ok"  # the lock was released


def test_every_claim_has_a_current_frozen_record():
    """A fresh clone builds from ``results/site/``: each live claim's frozen record must carry the key of the
    code, parameters and versions as they are now, or the first ``make site`` recomputes that claim."""
    stale = stale_frozen_records()
    assert not stale, f"frozen records missing or stale (run `make site && make freeze`): {stale}"


def test_frozen_records_serve_a_fresh_clone(toy_project, tmp_path, monkeypatch):
    frozen.freeze("quick")
    record = json.loads((toy_project / "results" / "quick" / "toy-mean" / "record.json").read_text())
    assert record["origin"] == "frozen" and record["finished"]
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "fresh-clone-cache"))
    served = runner.run("toy-mean", "quick")
    assert served["origin"] == "frozen" and served["cached"]
    assert served["report"] == record["report"]
    assert cache.load("toy-mean", "quick") is not None, "the frozen record now sits in the cache too"


def test_every_record_frozen_from_a_clean_tree_names_a_clean_commit(toy_project):
    """Freezing rewrites the committed records in results/: a claim computed after the first of them was
    rewritten found the tree changed, and its record named the commit "+dirty" although its code was committed."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]

    def commit() -> None:
        for args in (["add", "-A"], ["commit", "-qm", "toy"]):
            subprocess.run([*git, *args], cwd=toy_project, check=True)
        provenance.git_commit.cache_clear()  # as a fresh `kanguri freeze` would read it

    toy.write_claim(toy_project, "toy-other")
    registry.refresh()
    subprocess.run([*git, "init", "-q"], cwd=toy_project, check=True)
    commit()
    frozen.freeze("quick")
    commit()  # the frozen records, committed
    toy.write_claim(toy_project, "toy-other", holds=f"({toy.GOOD_HOLDS})")  # new code: toy-other recomputes
    registry.refresh()
    commit()
    frozen.freeze("quick")
    for cid in ("toy-mean", "toy-other"):
        record = json.loads((toy_project / "results" / "quick" / cid / "record.json").read_text())
        assert not record["provenance"]["commit"].endswith("+dirty"), cid


def test_a_corrupt_or_stale_frozen_record_is_recomputed(toy_project, tmp_path, monkeypatch):
    frozen.freeze("quick")
    path = toy_project / "results" / "quick" / "toy-mean" / "record.json"
    path.write_text(path.read_text().replace('"ok"', '"okay"', 1))
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "other-cache"))
    assert runner.run("toy-mean", "quick")["origin"] == "computed"
    assert path.exists(), "a damaged frozen record is ignored, never deleted"


def test_verify_finds_a_changed_verdict(toy_project, capsys):
    frozen.freeze("quick")
    assert cli.main(["verify", "--profile", "quick", "--diff"]) == 0
    assert "0 verdict(s) changed" in capsys.readouterr().out
    toy.write_claim(toy_project, "toy-mean", holds="False")  # the rule no longer accepts the evidence
    registry.refresh()
    assert cli.main(["verify", "--profile", "quick", "--diff"]) == 1
    out = capsys.readouterr().out
    assert "toy-mean: VERDICT CHANGED: supported → not-supported" in out


def test_moved_values_names_each_value_outside_its_interval():
    before = {"report": {"values": {"a": {"value": 1.0, "lo": 0.9, "hi": 1.1}, "n": {"value": 5}}}}
    after = {
        "report": {
            "values": {"a": {"value": 1.3, "lo": 1.2, "hi": 1.4}, "n": {"value": 5}, "b": {"value": 2}}
        }
    }
    assert frozen.moved_values(before, after) == [
        "a: 1.3 is outside the frozen interval [0.9, 1.1]",
        "b: added",
    ]


def test_render_writes_markdown_any_generator_can_build(toy_project, tmp_path):
    toy.add_site(toy_project)
    out = tmp_path / "rendered"
    assert cli.main(["render", "--out", str(out), "--profile", "quick"]) == 0
    for lang in ("ja", "en"):
        page = (out / lang / "claims" / "toy-mean.md").read_text(encoding="utf-8")
        assert "{{" not in page and "{%" not in page
    assert (out / "en" / "index.md").is_file() and (out / "ja" / "index.md").is_file()
    assert any((out / "en" / "assets" / "figures" / "toy-mean").glob("*.en.svg"))
