"""How far a numeric target has come: one rule for the window's progress bar and the report."""
from __future__ import annotations

from typing import Mapping, Sequence

MEASURED_DIRECTIONS = ("increase", "decrease")


def progress_fraction(target: Mapping | None, observations: Sequence[Mapping]) -> float | None:
    """The share of the way from the baseline to the target that the latest observation has come.

    `target` has `baseline`, `target` and `direction` (None means "increase"); `observations`
    are `{"value": ...}` rows, oldest first, and the last one is "the latest".

    - increase: (latest - baseline) / (target - baseline); decrease: (baseline - latest) /
      (baseline - target). The result is not clamped: 1.2 means the target was passed by a
      fifth of the distance, -0.1 that the value moved away from it. Clamp for a bar.
    - A target equal to its baseline: 1.0 once the latest value is at or beyond it (on the side
      the direction asks for), else 0.0.
    - None, "no measure", in three cases, so that nothing is shown rather than a wrong number:
      * direction `maintain`: holding a value has no distance to cover, so there is no share of
        a way; whether it is held is read from the values themselves.
      * no baseline: "of the way from the baseline" has no start. Zero is not a stand-in: it
        would show a share of GDP rising from 7% towards 10% as 70% done, and a value that has
        to fall to 5 and stands at 8 as 160% done.
      * no observation: nothing has been measured since the baseline. The baseline is not
        taken as the latest value, because "0% of the way" would read as measured no-progress.
    """
    if not target or not observations:
        return None
    direction = target.get("direction") or "increase"
    base = target.get("baseline")
    if direction not in MEASURED_DIRECTIONS or base is None:
        return None
    start, goal, latest = float(base), float(target["target"]), float(observations[-1]["value"])
    span = goal - start if direction == "increase" else start - goal
    done = latest - start if direction == "increase" else start - latest
    if span == 0:
        return 1.0 if done >= 0 else 0.0
    return done / span


def progress_percent(target: Mapping | None, observations: Sequence[Mapping]) -> int | None:
    """`progress_fraction` as a whole percentage clamped to 0-100 (a progress bar's value), or None."""
    fraction = progress_fraction(target, observations)
    if fraction is None:
        return None
    return max(0, min(100, round(100 * fraction)))
