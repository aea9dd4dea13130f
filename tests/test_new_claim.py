"""A new claim touches only its own files: in a copy of the project, `kanguri new` plus a filled-in toy claim
passes the linters, `pytest claims/ -k <id>`, a strict build and the browser tests that name it, and git sees no
other file changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_build import REPO, mkdocs_build

pytestmark = [
    pytest.mark.site,
    pytest.mark.xdist_group("new_claim"),
]  # one worker: the module's fixture is built once
DATA = Path(__file__).parent / "data" / "new_claim"
CID, MOD = "toy-matmul", "toy_matmul"
ENTRY = f"""  - id: {CID}
    section: quantum
    kind: experiment
    title: {{ja: "行列積の仕事量", en: "Matrix product work"}}
    claim:
      ja: 行列積の仕事量は大きさの 3 乗で増える
      en: The work of a matrix product grows as the cube of its size
    keywords: {{ja: "行列積", en: "matrix product"}}
"""


def _git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True).stdout


def _run(project: Path, env: dict, *cmd: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the project (what git tracks and does not ignore), with the new claim scaffolded, filled in."""
    root = tmp_path_factory.mktemp("newclaim") / "project"
    listed = _git(REPO, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for rel in filter(None, listed):
        if (REPO / rel).is_file():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, root / rel)
    if (REPO / ".mypy_cache").is_dir():  # `make lint` ran: mypy then checks only what is new, not torch again
        shutil.copytree(REPO / ".mypy_cache", root / ".mypy_cache")
    for cmd in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy"],
    ):
        _git(root, *cmd)
    with (root / "claims" / "catalogue.yml").open("a", encoding="utf-8") as f:
        f.write(ENTRY)
    env = os.environ | {"KANGURI_ROOT": str(root), "PYTHONPATH": str(root)}
    new = _run(root, env, sys.executable, "-m", "kanguri.cli", "new", CID)
    assert new.returncode == 0, new.stderr
    ruff, written = str(Path(sys.executable).parent / "ruff"), [f"claims/{MOD}.py", f"experiments/{MOD}.py"]
    for check in (["check"], ["format", "--check"]):  # the scaffold as written, before it is filled in
        lint = _run(root, env, ruff, *check, *written)
        assert lint.returncode == 0, f"the scaffold fails ruff {check[0]}: {lint.stdout}{lint.stderr}"
    for name, target in (
        ("experiment.py", f"experiments/{MOD}.py"),
        ("claim.py", f"claims/{MOD}.py"),
        ("words.ja.yml", f"claims/{MOD}.ja.yml"),
        ("words.en.yml", f"claims/{MOD}.en.yml"),
        ("anchors.yml", f"claims/{MOD}.anchors.yml"),
        ("page.ja.md", f"docs/claims/{CID}.ja.md"),
        ("page.en.md", f"docs/claims/{CID}.en.md"),
    ):
        shutil.copy(DATA / name, root / target)
    return root, env


def test_only_the_claims_own_files_change(project):
    root, _ = project
    changed = sorted(line[3:] for line in _git(root, "status", "--porcelain", "-uall").splitlines())
    assert changed == sorted(
        [
            "claims/catalogue.yml",
            f"claims/{MOD}.py",
            f"claims/{MOD}.anchors.yml",
            f"claims/{MOD}.ja.yml",
            f"claims/{MOD}.en.yml",
            f"experiments/{MOD}.py",
            f"docs/claims/{CID}.ja.md",
            f"docs/claims/{CID}.en.md",
        ]
    )


def test_the_scaffold_and_the_filled_claim_are_lint_clean(project):
    root, env = project
    bin_dir = Path(sys.executable).parent
    files = [f"claims/{MOD}.py", f"experiments/{MOD}.py"]
    for cmd in ([bin_dir / "ruff", "check", *files], [bin_dir / "ruff", "format", "--check", *files]):
        proc = _run(root, env, *map(str, cmd))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    mypy = _run(root, env, str(bin_dir / "mypy"), *files)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_the_new_claim_passes_its_claim_tests(project):
    root, env = project
    proc = _run(
        root, env, sys.executable, "-m", "pytest", "claims/", "-q", "-k", CID, "-p", "no:cacheprovider"
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "passed" in proc.stdout and "failed" not in proc.stdout


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")), reason="needs Debian's Chromium"
)
def test_the_new_claim_builds_and_the_browser_finds_it_in_both_languages(project, tmp_path):
    root, env = project
    site = tmp_path / "site"
    build = mkdocs_build(
        root, site, env=env | {"KANGURI_PROFILE": "site"}
    )  # the other claims: frozen records
    warnings = [line for line in build.stderr.splitlines() if "WARNING" in line and "Location" not in line]
    assert build.returncode == 0, "\n".join(warnings) or build.stderr[-3000:]
    for lang in ("", "en/"):
        assert (site / lang / "claims" / CID / "index.html").is_file(), f"no {lang or 'ja/'} page for {CID}"
    browser_env = env | {"KANGURI_BROWSER_SITE": str(site)}
    test = "tests/test_browser.py"
    proc = _run(
        root, browser_env, sys.executable, "-m", "pytest", test, "-q", "-k", CID, "-p", "no:cacheprovider"
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    summary = proc.stdout.strip().splitlines()[-1]  # its search tests, in Japanese and in English
    assert "skipped" not in summary and int(summary.split(" passed")[0].split()[-1]) >= 2, summary
