"""Preferences kept in QSettings (analyst name, theme, text size) and the dialog that edits them."""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any, cast

from PySide6 import QtCore, QtGui, QtWidgets

from ..paths import resource

THEMES = ("system", "light", "dark")


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


def light_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    R = QtGui.QPalette.ColorRole
    for role, c in ((R.Window, "#f4f5f7"), (R.WindowText, "#1d1f23"), (R.Base, "#ffffff"),
                    (R.AlternateBase, "#f2f4f8"), (R.Text, "#1d1f23"), (R.Button, "#eceef2"),
                    (R.ButtonText, "#1d1f23"), (R.Highlight, "#2f6fd6"), (R.HighlightedText, "#ffffff"),
                    (R.ToolTipBase, "#ffffdc"), (R.ToolTipText, "#1d1f23"), (R.PlaceholderText, "#8a8f98"),
                    (R.Link, "#1a5fc8")):
        p.setColor(role, QtGui.QColor(c))
    return p


def dark_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    R = QtGui.QPalette.ColorRole
    for role, c in ((R.Window, "#25272b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1c1d20"),
                    (R.AlternateBase, "#2a2c31"), (R.Text, "#e6e6e6"), (R.Button, "#303237"),
                    (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d7be0"), (R.HighlightedText, "#ffffff"),
                    (R.ToolTipBase, "#303237"), (R.ToolTipText, "#e6e6e6"), (R.PlaceholderText, "#8a8f98"),
                    (R.Link, "#7fb0ff"), (R.BrightText, "#ffffff")):
        p.setColor(role, QtGui.QColor(c))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, R.Text, QtGui.QColor("#777"))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, R.ButtonText, QtGui.QColor("#777"))
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
