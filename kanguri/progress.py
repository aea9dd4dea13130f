"""Progress bars for long sweeps, shown by ``kanguri run`` in a terminal and silent everywhere else."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def track(items: Iterable[T], desc: str) -> Iterator[T]:
    from tqdm import tqdm

    return iter(tqdm(items, desc=desc, disable=os.environ.get("KANGURI_PROGRESS") != "1", leave=False))
