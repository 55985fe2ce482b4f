"""The target chart: baseline, observations and target on one small time chart, painted by hand."""
from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from .base import fmt_num

Qt = QtCore.Qt


class TargetChart(QtWidgets.QWidget):
    """Baseline, observations and target on one small time chart, painted by hand."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.target: dict | None = None
        self.observations: list[dict] = []
        self.setMinimumHeight(150)
        self.setAccessibleName("Progress chart")
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)

    def set_data(self, target: dict | None, observations: list[dict]) -> None:
        self.target, self.observations = target, observations
        self.setAccessibleDescription(self._describe())
        self.update()

    def _describe(self) -> str:
        if not self.target:
            return "No target set."
        t = self.target
        parts = [f"target {fmt_num(t['target'])} {t['unit'] or ''}".strip()]
        if t.get("baseline") is not None:
            parts.insert(0, f"baseline {fmt_num(t['baseline'])}")
        parts += [f"{o['observed_on']}: {fmt_num(o['value'])}" for o in self.observations]
        return "; ".join(parts)

    def points(self) -> list[tuple[str, float, str]]:
        """(date, value, kind) to draw; kind is baseline, observation or target."""
        t = self.target or {}
        pts = []
        if t.get("baseline") is not None:
            pts.append((t.get("baseline_on") or "", float(t["baseline"]), "baseline"))
        pts += [(o["observed_on"], float(o["value"]), "observation") for o in self.observations]
        return pts

    def paintEvent(self, _e):  # noqa: N802
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        r = self.rect().adjusted(48, 12, -16, -26)
        p.fillRect(self.rect(), pal.color(QtGui.QPalette.ColorRole.Base))
        fg = pal.color(QtGui.QPalette.ColorRole.Text)
        muted = QtGui.QColor(fg)
        muted.setAlpha(90)
        if not self.target:
            p.setPen(muted)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No numeric target")
            return
        t = self.target
        pts = self.points()
        values = [v_ for _, v_, _ in pts] + [float(t["target"])]
        lo, hi = min(values), max(values)
        if hi == lo:
            hi, lo = hi + 1, lo - 1
        pad = (hi - lo) * 0.12
        lo, hi = lo - pad, hi + pad
        if min(values) >= 0 and lo < 0:
            lo = 0.0
        n = len(pts) + 1  # the target sits at the right end
        xs = [r.left() + (r.width() * i / max(1, n - 1)) for i in range(n)]

        def y(val: float) -> float:
            return r.bottom() - (val - lo) / (hi - lo) * r.height()

        # axes and grid
        p.setPen(QtGui.QPen(muted, 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        p.drawLine(r.bottomLeft(), r.topLeft())
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        p.setPen(fg)
        for val in nice_ticks(lo, hi):
            p.drawText(QtCore.QRectF(0, y(val) - 8, r.left() - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, fmt_num(round(val, 2)))
        # target line
        tgt_color = QtGui.QColor("#2e7d32")
        pen = QtGui.QPen(tgt_color, 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QtCore.QPointF(r.left(), y(t["target"])), QtCore.QPointF(r.right(), y(t["target"])))
        p.drawText(QtCore.QRectF(r.left() + 4, y(t["target"]) - 18, r.width() - 8, 16),
                   Qt.AlignmentFlag.AlignRight, f"target {fmt_num(t['target'])} {t['unit'] or ''}".strip())
        # the path from baseline through observations
        line_color = QtGui.QColor("#1e88e5")
        if pts:
            path = QtGui.QPainterPath(QtCore.QPointF(xs[0], y(pts[0][1])))
            for i, (_, val, _) in enumerate(pts[1:], start=1):
                path.lineTo(xs[i], y(val))
            p.setPen(QtGui.QPen(line_color, 2))
            p.drawPath(path)
        for i, (date, val, kind) in enumerate(pts):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QtGui.QColor("#757575") if kind == "baseline" else line_color)
            p.drawEllipse(QtCore.QPointF(xs[i], y(val)), 4, 4)
            p.setPen(fg)
            label = ("baseline " if kind == "baseline" else "") + (date[:7] if date else "")
            p.drawText(QtCore.QRectF(xs[i] - 50, r.bottom() + 4, 100, 16), Qt.AlignmentFlag.AlignHCenter, label.strip())
        p.setBrush(tgt_color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QtCore.QPointF(xs[-1], y(t["target"])), 5, 5)
        p.setPen(fg)
        p.drawText(QtCore.QRectF(xs[-1] - 70, r.bottom() + 4, 70, 16), Qt.AlignmentFlag.AlignRight,
                   (t.get("target_on") or "target")[:7])
        p.end()


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round axis values (1, 2 or 5 times a power of ten) between lo and hi."""
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), 10 * mag)
    first = math.ceil(lo / step) * step
    out: list[float] = []
    val = first
    while val <= hi + 1e-9 and len(out) < 12:
        out.append(round(val, 10))
        val += step
    return out
