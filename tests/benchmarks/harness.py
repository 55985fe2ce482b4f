"""The small harness every benchmark uses: medians of repeats, results, the table and results.json."""
from __future__ import annotations

import gc
import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

RESULTS = Path(__file__).with_name("results.json")
SLOW_S = 0.5


@dataclass
class Result:
    name: str
    app: float | None = None          # seconds (or MB for memory)
    baseline: float | None = None
    target: str = ""
    passed: bool | None = None        # None: skipped or informational
    note: str = ""
    unit: str = "s"
    samples: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.app is None or not self.baseline:
            return None
        return self.app / self.baseline

    def verdict(self) -> str:
        if self.passed is None:
            return self.note if self.note.startswith("skipped") else "info"
        return "PASS" if self.passed else "FAIL"


def median_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1,
                setup: Callable[[], object] | None = None) -> tuple[float, list[float]]:
    """Median wall time of fn over repeats (setup, if given, runs untimed before each call)."""
    for _ in range(warmup):
        if setup:
            setup()
        fn()
    samples = []
    for _ in range(repeats):
        if setup:
            setup()
        gc.collect()
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), samples


def paired_times(app_fn: Callable[[], object], base_fn: Callable[[], object], repeats: int = 5, warmup: int = 1,
                 app_setup: Callable[[], object] | None = None, base_setup: Callable[[], object] | None = None
                 ) -> tuple[tuple[float, list[float]], tuple[float, list[float]]]:
    """Medians of app and baseline timed alternately, so load from other processes hits both alike."""
    app_s: list[float] = []
    base_s: list[float] = []
    k = 0
    while k < warmup + repeats:
        for fn, setup, out in ((app_fn, app_setup, app_s), (base_fn, base_setup, base_s)):
            if setup:
                setup()
            gc.collect()
            t = time.perf_counter()
            fn()
            took = time.perf_counter() - t
            if k >= warmup:
                out.append(took)
            elif took > SLOW_S:
                repeats = min(repeats, 3)  # a slow call: three samples keep the whole run short
        k += 1
    return (statistics.median(app_s), app_s), (statistics.median(base_s), base_s)


def ratio_result(name: str, app: tuple[float, list[float]], base: tuple[float, list[float]], max_ratio: float,
                 *, also: tuple[float, str] | None = None, note: str = "") -> Result:
    """A result passing when app <= max_ratio x baseline (and, with `also`, app <= an absolute limit)."""
    r = Result(name, app[0], base[0], f"<= {max_ratio:g}x", note=note,
               samples={"app": app[1], "baseline": base[1]})
    r.passed = r.ratio is not None and r.ratio <= max_ratio
    if also:
        limit, label = also
        r.target += f" and < {label}"
        r.passed = r.passed and app[0] < limit
    return r


def skipped(name: str, why: str, target: str = "") -> Result:
    return Result(name, target=target, note=f"skipped: {why}")


def fmt_value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v * 1000:.1f} ms" if v < 10 else f"{v:.1f} s"


def table(results: list[Result]) -> str:
    head = ("benchmark", "app time", "baseline time", "ratio", "target", "pass/fail")
    rows = [head]
    for r in results:
        rows.append((r.name, fmt_value(r.app, r.unit), fmt_value(r.baseline, r.unit),
                     f"{r.ratio:.2f}x" if r.ratio is not None else "-", r.target, r.verdict()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    line = lambda row: "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"  # noqa: E731
    out = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows[1:]]
    return "\n".join(out)


def write_json(results: list[Result], meta: dict, path: Path = RESULTS) -> None:
    data = {"meta": meta, "results": [{**asdict(r), "ratio": r.ratio, "verdict": r.verdict()} for r in results]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
