"""Preferences kept in QSettings (analyst name, theme, text size) and the dialog that edits them."""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any, cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..paths import resource

THEMES = ("system", "light", "dark")
MIN_CONTRAST = 4.5  # WCAG AA for body text: text over every highlight is at least this


@dataclass
class Preferences:
    analyst: str = ""
    theme: str = "system"
    text_size: int = 0  # points; 0 keeps the platform's size

    @classmethod
    def load(cls) -> "Preferences":
        s = QtCore.QSettings()
        # QSettings.value is typed `object`; with a type given it returns that type
        analyst = cast(str, s.value("prefs/analyst", "", str)) or _login_name()
        theme = cast(str, s.value("prefs/theme", "system", str))
        raw_size: Any = s.value("prefs/text_size", 0)  # whatever the file holds: int() decides
        try:
            size = int(raw_size)
        except (TypeError, ValueError):
            size = 0
        return cls(analyst, theme if theme in THEMES else "system", max(0, min(size, 32)))

    def save(self) -> None:
        s = QtCore.QSettings()
        s.setValue("prefs/analyst", self.analyst)
        s.setValue("prefs/theme", self.theme)
        s.setValue("prefs/text_size", self.text_size)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems
        return ""


_default_font: QtGui.QFont | None = None
_default_palette: QtGui.QPalette | None = None


def apply(prefs: Preferences, app: QtWidgets.QApplication | None = None) -> None:
    """Apply theme and text size to the running application."""
    global _default_font, _default_palette
    app = app or cast(QtWidgets.QApplication | None, QtWidgets.QApplication.instance())
    if app is None:
        return
    if _default_font is None or _default_palette is None:  # both are set together
        _default_font, _default_palette = QtGui.QFont(app.font()), QtGui.QPalette(app.palette())
    font = QtGui.QFont(_default_font)
    if prefs.text_size:
        font.setPointSize(prefs.text_size)
    app.setFont(font)
    app.setStyle("Fusion")
    dark = prefs.theme == "dark" or (prefs.theme == "system" and
                                     app.styleHints().colorScheme() == QtCore.Qt.ColorScheme.Dark)
    app.setPalette(dark_palette() if dark else (light_palette() if prefs.theme == "light" else _default_palette))
    qss = resource("styles", "dark.qss" if dark else "light.qss")
    app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.exists() else "")
    app.setProperty("pt_dark", dark)
    redraw_all(app)


def redraw_all(app: QtWidgets.QApplication) -> None:
    """Repaint every widget after a theme change.

    Widgets that mix colours themselves (the reader's highlights, link colours) have a
    `theme_changed()` method, called here once the new palette and style sheet are both in force:
    a PaletteChange event can reach a widget while its children still hold the old palette. Item
    views paint through their viewport, which is repainted too.
    """
    for w in app.allWidgets():
        hook = getattr(w, "theme_changed", None)
        if callable(hook):
            hook()  # after both palette and style sheet are in force, whatever order events came in
        if isinstance(w, QtWidgets.QAbstractScrollArea):
            w.viewport().update()
        w.update()


def relative_luminance(c: QtGui.QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour (0 black .. 1 white)."""
    def lin(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def contrast_ratio(a: QtGui.QColor, b: QtGui.QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1..21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(color: QtGui.QColor, base: QtGui.QColor, strength: float) -> QtGui.QColor:
    """`color` mixed into `base`: strength 1 is `color`, 0 is `base` (opaque)."""
    m = lambda a, b: round(a * strength + b * (1 - strength))  # noqa: E731
    return QtGui.QColor(m(color.red(), base.red()), m(color.green(), base.green()), m(color.blue(), base.blue()))


def readable_tint(color: QtGui.QColor, base: QtGui.QColor, text: QtGui.QColor, strength: float = 0.35,
                  minimum: float = MIN_CONTRAST) -> QtGui.QColor:
    """A highlight: `color` tinted into the background `base`, as strong as `strength` allows
    while `text` over it keeps a contrast of at least `minimum` (pale on light, deep on dark)."""
    s = strength
    while s > 0:
        tinted = mix(color, base, s)
        if contrast_ratio(text, tinted) >= minimum:
            return tinted
        s = round(s - 0.05, 2)
    return QtGui.QColor(base)


def readable_pair(background: QtGui.QColor, text: QtGui.QColor,
                  minimum: float = MIN_CONTRAST) -> tuple[QtGui.QColor, QtGui.QColor]:
    """(background, text) for a strong highlight: the background darkened (light text) or
    lightened (dark text) until the text over it reaches `minimum`."""
    bg = QtGui.QColor(background)
    dark_text = relative_luminance(text) < 0.5
    for _ in range(20):
        if contrast_ratio(bg, text) >= minimum:
            break
        bg = bg.lighter(112) if dark_text else bg.darker(112)
    return bg, QtGui.QColor(text)


def overdue_color(palette: QtGui.QPalette) -> QtGui.QColor:
    """The red of an overdue date: deep on a light table, light on a dark one (4.5:1 or more over
    the table's rows and its alternate rows in either theme)."""
    dark = palette.color(QtGui.QPalette.ColorRole.Base).lightness() < 128
    return QtGui.QColor("#ff8a80" if dark else "#c62828")


def light_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    R = QtGui.QPalette.ColorRole
    for role, c in ((R.Window, "#f4f5f7"), (R.WindowText, "#1d1f23"), (R.Base, "#ffffff"),
                    (R.AlternateBase, "#f2f4f8"), (R.Text, "#1d1f23"), (R.Button, "#eceef2"),
                    (R.ButtonText, "#1d1f23"), (R.Highlight, "#2f6fd6"), (R.HighlightedText, "#ffffff"),
                    (R.ToolTipBase, "#ffffdc"), (R.ToolTipText, "#1d1f23"), (R.PlaceholderText, "#8a8f98"),
                    (R.Link, "#1a5fc8")):
        p.setColor(role, QtGui.QColor(c))
    # setColor(role, ...) sets every group, Disabled too: without these a disabled button looked enabled
    for role in (R.Text, R.ButtonText, R.WindowText):
        p.setColor(QtGui.QPalette.ColorGroup.Disabled, role, QtGui.QColor("#9a9ea6"))
    return p


def dark_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    R = QtGui.QPalette.ColorRole
    for role, c in ((R.Window, "#25272b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1c1d20"),
                    (R.AlternateBase, "#2a2c31"), (R.Text, "#e6e6e6"), (R.Button, "#303237"),
                    (R.ButtonText, "#e6e6e6"), (R.Highlight, "#2f66c4"), (R.HighlightedText, "#ffffff"),
                    (R.ToolTipBase, "#303237"), (R.ToolTipText, "#e6e6e6"), (R.PlaceholderText, "#8a8f98"),
                    (R.Link, "#7fb0ff"), (R.BrightText, "#ffffff")):
        p.setColor(role, QtGui.QColor(c))
    for role in (R.Text, R.ButtonText, R.WindowText):
        p.setColor(QtGui.QPalette.ColorGroup.Disabled, role, QtGui.QColor("#777"))
    return p


class PreferencesDialog(QtWidgets.QDialog):
    def __init__(self, prefs: Preferences, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        form = QtWidgets.QFormLayout(self)
        self.analyst = QtWidgets.QLineEdit(prefs.analyst)
        self.analyst.setAccessibleName("Analyst name")
        self.analyst.setPlaceholderText("Your name, used as the author of status updates")
        self.theme = QtWidgets.QComboBox()
        self.theme.setAccessibleName("Theme")
        for t in THEMES:
            self.theme.addItem(t.capitalize(), t)
        self.theme.setCurrentIndex(THEMES.index(prefs.theme))
        self.text_size = QtWidgets.QSpinBox()
        self.text_size.setAccessibleName("Text size")
        self.text_size.setRange(0, 32)
        self.text_size.setSpecialValueText("System default")
        self.text_size.setSuffix(" pt")
        self.text_size.setValue(prefs.text_size)
        form.addRow("&Analyst name:", self.analyst)
        form.addRow("&Theme:", self.theme)
        form.addRow("Text &size:", self.text_size)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                        | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def value(self) -> Preferences:
        return Preferences(self.analyst.text().strip(), self.theme.currentData(), self.text_size.value())
