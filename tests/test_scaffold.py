"""`kanguri new <id>` gives a claim that builds and whose tests pass with no further edits."""

import os
import shutil
import subprocess
import sys

import pytest

from tests import toy
from tests.site_build import REPO, mkdocs_build

pytestmark = pytest.mark.site


@pytest.fixture
def scaffolded(tmp_path):
    root = toy.make_project(tmp_path / "project")
    toy.add_site(root)
    shutil.copy(REPO / "claims" / "test_claims.py", root / "claims" / "test_claims.py")
    env = os.environ | {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(tmp_path / "cache")}
    for cid in ("toy-scaffold", "toy-sourced", "toy-planned"):
        new = subprocess.run(
            [sys.executable, "-m", "kanguri.cli", "new", cid],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        assert new.returncode == 0, new.stderr
        assert "created" in new.stdout and "not-testable" in new.stdout
    return root, env


def test_scaffolds_pass_the_claim_tests(scaffolded):
    root, env = scaffolded
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "claims/",
            "-q",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout


def test_scaffolds_build_and_read_not_testable(scaffolded, tmp_path):
    root, env = scaffolded
    build = mkdocs_build(root, tmp_path / "site", strict=True, env=env)
    assert build.returncode == 0, build.stderr[-3000:]
    for cid in ("toy-scaffold", "toy-sourced", "toy-planned"):
        for lang, word in (("", "検証不能"), ("en/", "Not testable")):
            page = (tmp_path / "site" / lang / "claims" / cid / "index.html").read_text(encoding="utf-8")
            assert word in page, (cid, lang)
    sourced = (tmp_path / "site" / "en" / "claims" / "toy-sourced" / "index.html").read_text(encoding="utf-8")
    assert "Cited inputs" in sourced and "unverified" in sourced
    opinion = (tmp_path / "site" / "claims" / "toy-planned" / "index.html").read_text(encoding="utf-8")
    assert "支持する事実" in opinion and "反する事実" in opinion
