"""Progress reporting comes into an experiment as a callback; by default it is silent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Progress = Callable[[Iterable[Any], str], Iterable[Any]]  # (items, description) -> the same items


def silent(items: Iterable[Any], desc: str) -> Iterable[Any]:
    return items
