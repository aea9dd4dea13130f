"""The runner and its cache: hits, misses, invalidation, corruption, timeouts and crashes."""

import json

from kanguri import cache, registry, runner
from tests import toy


def test_miss_then_hit_gives_the_same_record(toy_project):
    first = runner.run("toy-mean", "quick")
    assert first["status"] == "ok" and first["cached"] is False
    second = runner.run("toy-mean", "quick")
    assert second["cached"] is True
    assert second["result"] == first["result"]
    assert second["decision"]["verdict"] == "supported"
    assert second["control"]["verdict"] == "not-supported"


def test_forced_rerun_is_deterministic(toy_project):
    a = runner.run("toy-mean", "quick")
    b = runner.run("toy-mean", "quick", force=True)
    assert b["cached"] is False and a["result"] == b["result"]


def test_changing_the_experiment_invalidates_only_that_claim(toy_project):
    toy.write_claim(toy_project, "toy-other")
    registry.refresh()
    runner.run("toy-mean", "quick")
    runner.run("toy-other", "quick")
    exp = toy_project / "experiments" / "toy_mean.py"
    exp.write_text(exp.read_text() + "\n# a comment is a change too\n")
    registry.refresh()
    assert runner.run("toy-mean", "quick")["cached"] is False
    assert runner.run("toy-other", "quick")["cached"] is True


def test_key_follows_imports_and_parameters(toy_project):
    claim = registry.load("toy-mean")
    closure = cache.source_closure(toy_project / "claims" / "toy_mean.py")
    names = [p.relative_to(toy_project).as_posix() for p in closure]
    assert names == ["claims/toy_mean.py", "experiments/__init__.py", "experiments/toy_mean.py"]
    k_quick = cache.key("toy-mean", "quick", claim.config("quick"), 0)
    k_full = cache.key("toy-mean", "full", claim.config("full"), 0)
    assert k_quick != k_full
    assert k_quick == cache.key("toy-mean", "quick", claim.config("quick"), 0)
    assert k_quick != cache.key("toy-mean", "quick", claim.config("quick"), 1)


def test_the_closure_sees_an_import_added_in_the_same_process(toy_project):
    """The parsed imports are remembered per file version: an edit that adds an import is seen at once."""
    claim_file = toy_project / "claims" / "toy_mean.py"
    before = cache.source_closure(claim_file)
    (toy_project / "experiments" / "helper.py").write_text("X = 1\n")
    claim_file.write_text(claim_file.read_text() + "\nfrom experiments import helper  # noqa\n")
    after = cache.source_closure(claim_file)
    assert [p.name for p in sorted(set(after) - set(before))] == ["helper.py"]


def test_corrupt_entry_is_recomputed(toy_project):
    first = runner.run("toy-mean", "quick")
    record_file = cache.entry_dir("toy-mean", "quick") / "record.json"
    record_file.write_text(record_file.read_text()[:40])  # a partial write
    again = runner.run("toy-mean", "quick")
    assert again["cached"] is False and again["result"] == first["result"]
    svg = cache.entry_dir("toy-mean", "quick") / "fig.ja.svg"
    svg.write_text("garbage")
    assert runner.run("toy-mean", "quick")["cached"] is False


def test_unreadable_manifest_is_recomputed(toy_project):
    runner.run("toy-mean", "quick")
    (cache.entry_dir("toy-mean", "quick") / "manifest.json").write_text("{not json")
    assert runner.run("toy-mean", "quick")["cached"] is False


def test_crashing_claim_is_isolated(toy_project):
    toy.write_claim(toy_project, "toy-other", mode="crash")
    registry.refresh()
    bad = runner.run("toy-other", "quick")
    assert bad["status"] == "failed"
    assert "crashed on purpose" in bad["error"]
    assert not cache.entry_dir("toy-other", "quick").exists()  # failures are not cached
    assert runner.run("toy-mean", "quick")["status"] == "ok"


def test_timeout_is_a_failure(toy_project):
    toy.write_claim(toy_project, "toy-other", mode="sleep", timeout=3)
    registry.refresh()
    r = runner.run("toy-other", "quick")
    assert r["status"] == "failed" and "timed out after 3 s" in r["error"]


def test_a_rule_that_raises_is_a_clear_failure(toy_project):
    toy.write_claim(toy_project, "toy-other", holds='f["median"] > 0')
    registry.refresh()
    r = runner.run("toy-other", "quick")
    assert r["status"] == "failed" and r["error"] == "KeyError: 'median'"
    assert "toy_other.py" in r["traceback"]


def test_decision_keeps_every_number_it_used(toy_project):
    r = runner.run("toy-mean", "quick")
    assert r["decision"]["checks"] == {"mean": True}
    facts = r["decision"]["facts"]["mean"]
    assert facts["k"] == 3.0 and facts["mean"] == r["result"]["evidence"]["mean"]


def test_record_has_provenance(toy_project):
    r = runner.run("toy-mean", "quick")
    assert r["profile"] == "quick" and r["wall_seconds"] > 0 and r["peak_memory_mb"] > 0
    assert {"commit", "packages", "python", "cpu"} <= set(r["provenance"])
    assert r["provenance"]["packages"]["numpy"] != "absent"
    on_disk = json.loads((cache.entry_dir("toy-mean", "quick") / "record.json").read_text())
    assert on_disk["key"] == r["key"]
