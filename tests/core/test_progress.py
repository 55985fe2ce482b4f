"""The one progress rule that the window's bar and the report share (app.core.progress)."""
import pytest

from app.core.progress import progress_fraction, progress_percent


def obs(*values):
    return [{"observed_on": f"2025-0{i + 1}-01", "value": v} for i, v in enumerate(values)]


def test_increase_measures_from_baseline_to_target_with_the_latest_value():
    """Increase: (latest - baseline) / (target - baseline), with the last observation as latest."""
    t = {"baseline": 7.0, "target": 10.0, "direction": "increase"}
    assert progress_fraction(t, obs(9.0, 8.5)) == pytest.approx(0.5)
    assert progress_percent(t, obs(9.0, 8.5)) == 50


def test_decrease_measures_the_way_down():
    """Decrease: (baseline - latest) / (baseline - target)."""
    t = {"baseline": 100.0, "target": 50.0, "direction": "decrease"}
    assert progress_fraction(t, obs(60)) == pytest.approx(0.8)
    assert progress_percent(t, obs(60)) == 80


def test_no_direction_means_increase():
    """A target stored without a direction is an increase, as validation defaults it."""
    assert progress_fraction({"baseline": 0, "target": 4, "direction": None}, obs(1)) == pytest.approx(0.25)
    assert progress_fraction({"baseline": 0, "target": 4}, obs(1)) == pytest.approx(0.25)


def test_fraction_is_not_clamped_but_percent_is():
    """Passing the target or moving away from it shows in the fraction; the bar's percent stays 0-100."""
    t = {"baseline": 10.0, "target": 20.0, "direction": "increase"}
    assert progress_fraction(t, obs(22)) == pytest.approx(1.2)
    assert progress_percent(t, obs(22)) == 100
    assert progress_fraction(t, obs(9)) == pytest.approx(-0.1)
    assert progress_percent(t, obs(9)) == 0


@pytest.mark.parametrize("latest", [5.0, 6.0, 4.0])
def test_maintain_has_no_share_of_a_way(latest):
    """'maintain' has no distance to cover: no fraction, whatever the values."""
    t = {"baseline": 5.0, "target": 5.0, "direction": "maintain"}
    assert progress_fraction(t, obs(latest)) is None
    assert progress_percent(t, obs(latest)) is None


@pytest.mark.parametrize("direction,latest", [("increase", 7.5), ("increase", 12.0), ("decrease", 8.0)])
def test_no_baseline_means_no_measure_not_a_zero_start(direction, latest):
    """Without a baseline nothing is computed; measuring from zero would read 7.5 -> 10 as 75% and 8 -> 5 as 160%."""
    t = {"baseline": None, "target": 10.0 if direction == "increase" else 5.0, "direction": direction}
    assert progress_fraction(t, obs(latest)) is None
    assert progress_percent(t, obs(latest)) is None


def test_a_zero_baseline_is_a_baseline():
    """0 is a real baseline (falsy but stated), unlike a missing one."""
    assert progress_fraction({"baseline": 0.0, "target": 10.0, "direction": "increase"}, obs(12)) == pytest.approx(1.2)


def test_no_observation_means_no_measure():
    """With only a baseline nothing was measured yet: no fraction (not 0%)."""
    t = {"baseline": 7.0, "target": 10.0, "direction": "increase"}
    assert progress_fraction(t, []) is None
    assert progress_percent(t, []) is None


def test_no_target_means_no_measure():
    """No target at all (the item has none): None."""
    assert progress_fraction(None, obs(1)) is None
    assert progress_percent(None, obs(1)) is None


@pytest.mark.parametrize("direction,latest,expected", [
    ("increase", 10.0, 1.0), ("increase", 11.0, 1.0), ("increase", 9.0, 0.0),
    ("decrease", 10.0, 1.0), ("decrease", 9.0, 1.0), ("decrease", 11.0, 0.0),
])
def test_target_equal_to_baseline_is_reached_or_not(direction, latest, expected):
    """Zero distance: done once the latest value is at the target or beyond it in the direction asked."""
    t = {"baseline": 10.0, "target": 10.0, "direction": direction}
    assert progress_fraction(t, obs(latest)) == expected


def test_the_report_uses_the_same_rule():
    """The report's progress_of carries progress_fraction's answer, case by case (no Qt needed)."""
    from app.reports.data import progress_of
    cases = [({"baseline": 7.0, "target": 10.0, "direction": "increase"}, obs(8.5)),
             ({"baseline": None, "target": 10.0, "direction": "increase"}, obs(12)),
             ({"baseline": 5.0, "target": 5.0, "direction": "maintain"}, obs(5)),
             ({"baseline": 100.0, "target": 50.0, "direction": "decrease"}, obs(60)),
             ({"baseline": 7.0, "target": 10.0, "direction": "increase"}, [])]
    for t, o in cases:
        assert progress_of(t, o).fraction == progress_fraction(t, o)
