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
