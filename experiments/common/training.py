"""How a training run ended: stopped by its stated rule, or cut off at its cap, and then whether it was still
improving. A run cut off while still improving decides nothing (a check that reads it is undetermined)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from experiments.common.stats import Estimate, wilson


@dataclass(frozen=True)
class Stop:
    """The end of one training run."""

    steps: int  # steps (or epochs) it ran
    cap: int  # its budget
    reached: bool  # stopped by its stated rule (target reached, early stopping)
    still_improving: bool  # at the cap, the last stretch of the curve still improved on the one before

    @property
    def converged(self) -> bool:
        """Stopped by its rule, or no longer improving when the cap cut it off."""
        return self.reached or not self.still_improving


def stop_of(
    curve: Sequence[float],
    cap: int,
    reached: bool,
    *,
    steps: int | None = None,
    lower_is_better: bool = True,
    window: float = 0.2,
    min_gain: float = 0.01,
) -> Stop:
    """How a run with this learning curve (loss, or accuracy with ``lower_is_better=False``) ended.

    Still improving: the mean of the last ``window`` of the curve beats the mean of the stretch before it by
    more than ``min_gain``, relative (losses) or absolute (accuracies and other shares in [0, 1]).
    """
    y = np.asarray(curve, dtype=float)
    ran = len(y) if steps is None else steps
    if reached:
        return Stop(ran, cap, reached=True, still_improving=False)
    if len(y) < 2:
        return Stop(
            ran, cap, reached=False, still_improving=True
        )  # too short to tell: not shown to have settled
    w = max(1, min(len(y) // 2, round(len(y) * window)))
    last, before = y[-w:].mean(), y[-2 * w : -w].mean()
    gain = (before - last) / max(abs(before), 1e-12) if lower_is_better else last - before
    return Stop(ran, cap, reached=False, still_improving=bool(gain > min_gain))


def converged_share(stops: Sequence[Stop]) -> Estimate:
    """The share of runs that converged, with a Wilson 95% interval."""
    return wilson(sum(s.converged for s in stops), len(stops))
