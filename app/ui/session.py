"""One open database as the window sees it: the store, the undo stack and the change signal.

Every write in the window goes widget -> undo command -> service -> store; the command hands
the service's `Changes` to `Session.notify`, and every view listening to `changed` refreshes
only what that value names (after Anki's OpChanges). Questions and messages to the person go
through `confirm` / `inform` / `error`, one seam that tests replace (after git-cola's
`cola/interaction.py`), so no logic ever needs a real dialog in a test.
"""
from __future__ import annotations

from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ..core import outside_changes
from ..core.model import Changes
from ..store.store import Store

POLL_MS = 2000


class Interaction:
    """Dialogs the logic may show; tests swap in an instance that records and answers."""

    def __init__(self, parent: Callable[[], QtWidgets.QWidget | None] = lambda: None):
        self._parent = parent

    def _box(self, icon, title: str, text: str, buttons) -> QtWidgets.QMessageBox:
        box = QtWidgets.QMessageBox(icon, title, text, buttons, self._parent())
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # user text is never rich text
        return box

    def confirm(self, question: str, title: str = "Policy Tracker") -> bool:
        box = self._box(QtWidgets.QMessageBox.Icon.Question, title, question,
                        QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        return box.exec() == QtWidgets.QMessageBox.StandardButton.Yes

    def inform(self, message: str, title: str = "Policy Tracker") -> None:
        self._box(QtWidgets.QMessageBox.Icon.Information, title, message,
                  QtWidgets.QMessageBox.StandardButton.Ok).exec()

    def error(self, message: str, title: str = "Policy Tracker") -> None:
        self._box(QtWidgets.QMessageBox.Icon.Warning, title, message,
                  QtWidgets.QMessageBox.StandardButton.Ok).exec()


class RecordingInteraction(Interaction):
    """For tests: remembers every message and answers confirmations with `answer`."""

    def __init__(self, answer: bool = True):
        super().__init__()
        self.answer = answer
        self.questions: list[str] = []
        self.infos: list[str] = []
        self.errors: list[str] = []

    def confirm(self, question: str, title: str = "Policy Tracker") -> bool:
        self.questions.append(question)
        return self.answer

    def inform(self, message: str, title: str = "Policy Tracker") -> None:
        self.infos.append(message)

    def error(self, message: str, title: str = "Policy Tracker") -> None:
        self.errors.append(message)


class Session(QtCore.QObject):
    """The open database: `store`, `undo_stack`, `changed(Changes)`, the analyst's name."""

    changed = QtCore.Signal(object)  # a core.model.Changes
    # what the window should say in its notice bar, never in a modal box: another program's
    # changes ("info"), and the one sentence when saving had to stop ("stopped")
    noticed = QtCore.Signal(str, str)  # (kind, sentence)

    def __init__(self, store: Store, parent: QtCore.QObject | None = None, *,
                 analyst: str = "", interaction: Interaction | None = None, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.store = store
        self.analyst = analyst  # also who the store records in audit_log (the property below)
        self.interaction = interaction or Interaction()
        self.undo_stack = QtGui.QUndoStack(self)
        self._seen_version = store.data_version()
        self._seen_audit = store.audit_position()
        self._stop_told = False
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll_other_writers)
        if poll_ms > 0:
            self._timer.start()

    @property
    def analyst(self) -> str:
        """The analyst's name: the author of new status updates and of every change in audit_log."""
        return self._analyst

    @analyst.setter
    def analyst(self, name: str) -> None:
        self._analyst = name
        self.store.author = (name or "").strip()

    # -- the seam ---------------------------------------------------------------------------
    def confirm(self, question: str) -> bool:
        return self.interaction.confirm(question)

    def inform(self, message: str) -> None:
        self.interaction.inform(message)

    def error(self, message: str) -> None:
        self.interaction.error(message)

    # -- writes ------------------------------------------------------------------------------
    def push(self, command: QtGui.QUndoCommand) -> bool:
        """Run a command through the undo stack; False (and nothing on the stack) if it failed.

        Commands from app.ui.commands run their service once here, before they are pushed,
        so a refused change shows its one-sentence message and leaves no dead step to undo.
        """
        prepare = getattr(command, "prepare", None)
        if prepare is not None and not prepare(self):
            return False
        self.undo_stack.push(command)
        return True

    run = push  # the brief's name for the same thing

    def notify(self, changes: Changes) -> None:
        """Tell every view what one service call changed.

        (PRAGMA data_version does not move for this connection's own commits, so there is nothing
        to re-read here: doing so would hide another program's commit that landed meanwhile.)"""
        self.changed.emit(changes)

    def saving_stopped(self, reason: str) -> None:
        """Saving had to stop (locks lost, file replaced, WAL gone): say so once, in the window."""
        if not self._stop_told:
            self._stop_told = True
            self.noticed.emit("stopped", reason)

    def poll_other_writers(self) -> bool:
        """Say what another process committed to the file since we looked, and refresh the views."""
        try:
            lost = self.store.guarantees_lost()
            version = self.store.data_version()
        except Exception:  # noqa: BLE001 - the store may be closing; nothing to refresh then
            return False
        if lost:
            self.saving_stopped(lost + " Your unsaved changes are kept; reopen the file to save them.")
        if version != self._seen_version:
            self._seen_version = version
            try:
                self._seen_audit, groups = self.store.changes_by_others(self._seen_audit)
            except Exception:  # noqa: BLE001 - e.g. the file was replaced under us; the views still refresh
                groups = []
            sentence = outside_changes.describe(groups)
            if sentence:  # bookkeeping alone (another window's backup time, say) is not news
                self.noticed.emit("info", sentence)
            self.changed.emit(Changes(structure=True))
            return True
        return False

    def stop(self) -> None:
        self._timer.stop()

    def close(self) -> None:
        self.stop()
        self.undo_stack.clear()
        self.store.close()
