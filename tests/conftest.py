import pytest

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
def real_site(tmp_path_factory):
    """The real site, built once per test session (``mkdocs build --strict`` at the quick profile): the site
    tests and the browser tests read the same build."""
    from tests.site_build import REPO, mkdocs_build

    out = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(REPO, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out
