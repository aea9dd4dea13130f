import pytest
from filelock import FileLock

from kanguri import registry
from tests import toy


@pytest.fixture
def toy_project(tmp_path, monkeypatch):
    """A throwaway project with one working claim; the engine is pointed at it for the test."""
    root = toy.make_project(tmp_path / "project")
    monkeypatch.setenv("KANGURI_ROOT", str(root))
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(root))
    registry.refresh()
    yield root
    registry.refresh()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory, worker_id):
    """The site as published, built once per test run (``mkdocs build --strict`` at the site profile, from the
    frozen records in ``results/``): the site tests and the browser tests read the same build. It computes
    nothing, so it is ready in seconds and the browser tests run alongside the claims' quick runs. Under
    pytest-xdist the workers share it: the first to ask builds it under a file lock, the others wait and read it.
    """
    from tests.site_build import REPO, mkdocs_build, stale_frozen_records

    # a stale record would be recomputed by the build at the site profile: minutes to hours
    if stale := stale_frozen_records():
        pytest.fail(f"frozen records missing or stale (run `make site && make freeze`): {stale}")
    shared = (
        tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    )
    out, done = shared / "real-site", shared / "real-site.built"
    with FileLock(str(shared / "real-site.lock")):
        if not done.exists():
            proc = mkdocs_build(REPO, out, env={"KANGURI_PROFILE": "site"})
            assert proc.returncode == 0, proc.stderr[-3000:]
            done.touch()
    return out
