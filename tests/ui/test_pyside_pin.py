"""Regression for PySide6 6.12.0's none_dealloc abort: many calls of Qt methods returning None."""
from __future__ import annotations

from PySide6 import QtWidgets


def test_many_label_set_text_calls_complete(qapp):
    """20,000 QLabel.setText calls finish (6.12.0 aborted with 'Fatal Python error: none_dealloc')."""
    label = QtWidgets.QLabel()
    for n in range(20_000):
        label.setText(str(n))
    assert label.text() == "19999"
