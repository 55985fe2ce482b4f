"""File > Import Spreadsheet…: a CSV or XLSX sheet into one framework, seen before it is imported.

The person chooses the file and its sheet, the framework (an existing one, or a new title), and
for each of the sheet's columns the field it fills (matched by header at first, as on the
command line). The preview shows the first rows as they will be imported, what each does (add,
update, unchanged) and its problems beside it. Import runs app/exchange/sheets.py's document
through operations.ImportDocument: one step on the undo stack, all or nothing.

A progress box is never left above a message box: any message shown while the import runs
closes the progress box first.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.model import PolicyTrackerError
from ..exchange import sheets
from . import commands as cmds
from . import file_dialogs

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

PREVIEW_ROWS = 200
NOT_IMPORTED = "(not imported)"
SHEET_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV sheets (*.csv);;All files (*)"
PROBLEM_BG = QtGui.QColor(214, 69, 65, 70)  # translucent: readable over light and dark themes


class _MessagesCloseProgress:
    """The session's interaction, but any message first closes the import's progress box."""

    def __init__(self, inner: Any, close: Any):
        self._inner, self._close = inner, close

    def confirm(self, question: str, title: str = "Policy Tracker") -> bool:
        self._close()
        return self._inner.confirm(question, title)

    def inform(self, message: str, title: str = "Policy Tracker") -> None:
        self._close()
        self._inner.inform(message, title)

    def error(self, message: str, title: str = "Policy Tracker") -> None:
        self._close()
        self._inner.error(message, title)


class SheetImportDialog(QtWidgets.QDialog):
    """Choose a sheet, map its columns, preview its rows with their problems, import them undoably."""

    def __init__(self, session: "Session", parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import Spreadsheet")
        self.setObjectName("sheetImportDialog")
        self.path: Path | None = None
        self.sheet: sheets.Sheet | None = None
        self.plan: sheets.Plan | None = None
        self.combos: list[QtWidgets.QComboBox] = []
        self.last_report: Any = None

        self.file_label = QtWidgets.QLineEdit()
        self.file_label.setReadOnly(True)
        self.file_label.setPlaceholderText("No file chosen")
        self.choose_button = QtWidgets.QPushButton("&Choose…")
        self.choose_button.clicked.connect(self.choose_file)
        self.sheet_combo = QtWidgets.QComboBox()
        self.sheet_combo.setEnabled(False)
        self.sheet_combo.currentTextChanged.connect(self._sheet_chosen)
        self.framework_combo = QtWidgets.QComboBox()
        self.framework_combo.setEditable(True)
        self.framework_combo.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.framework_combo.addItems([f["title"] for f in session.store.list_frameworks()])
        self.framework_combo.setCurrentText("")
        edit = self.framework_combo.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("An existing framework, or the title of a new one")
        self._retitled = QtCore.QTimer(self)  # typing a title checks the rows again once typing pauses
        self._retitled.setSingleShot(True)
        self._retitled.setInterval(250)
        self._retitled.timeout.connect(lambda: self.refresh() if self.isVisible() else None)
        self.framework_combo.currentTextChanged.connect(lambda _t: self._retitled.start())

        file_row = QtWidgets.QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        form = QtWidgets.QFormLayout()
        form.addRow("File:", file_row)
        form.addRow("S&heet:", self.sheet_combo)  # a widget field: the label's mnemonic focuses it
        form.addRow("F&ramework:", self.framework_combo)

        self.mapping_table = QtWidgets.QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["Column in the sheet", "Imported as"])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.horizontalHeader().setStretchLastSection(True)
        self.mapping_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setObjectName("sheetMapping")
        self.preview = QtWidgets.QTableWidget(0, 0)
        self.preview.setObjectName("sheetPreview")
        self.preview.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setStretchLastSection(True)

        left = QtWidgets.QGroupBox("Columns")
        QtWidgets.QVBoxLayout(left).addWidget(self.mapping_table)
        right = QtWidgets.QGroupBox("Preview: the first rows as they will be imported")
        QtWidgets.QVBoxLayout(right).addWidget(self.preview)
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)

        self.summary = QtWidgets.QLabel("Choose a CSV or XLSX file to import.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.summary.setObjectName("sheetSummary")
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(split, 1)
        lay.addWidget(self.summary)
        lay.addWidget(self.buttons)
        self.resize(1100, 640)

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        self._retitled.stop()
        super().done(result)

    # -- the file ------------------------------------------------------------------------------------
    def choose_file(self) -> bool:
        start = self.path.parent if self.path else Path.home()
        name = file_dialogs.get_open_file_name(self, "Import Spreadsheet", start, SHEET_FILTER)
        return self.load_file(Path(name)) if name else False

    def load_file(self, path: Path, sheet: str | None = None) -> bool:
        """Read the file (its first sheet, or `sheet`); on a refusal say why and keep what was shown."""
        try:
            s = sheets.read(path, sheet)
        except (PolicyTrackerError, OSError) as e:
            self.session.error(f"{Path(path).name} cannot be imported: {e}")
            return False
        self.path = Path(path)
        self.file_label.setText(str(self.path))
        if not self.framework_combo.currentText().strip():
            self.framework_combo.setCurrentText(self.path.stem.replace("_", " "))
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(s.sheet_names)
        self.sheet_combo.setCurrentText(s.sheet)
        self.sheet_combo.setEnabled(len(s.sheet_names) > 1)
        self.sheet_combo.blockSignals(False)
        self._show_sheet(s)
        return True

    def _sheet_chosen(self, name: str) -> None:
        if self.path is not None and name and self.sheet is not None and name != self.sheet.sheet:
            self.load_file(self.path, name)

    def _show_sheet(self, s: sheets.Sheet) -> None:
        self.sheet = s
        try:
            auto = sheets.auto_mapping(s.header)
        except PolicyTrackerError:  # two columns for one field: the person chooses below
            auto = {}
        by_col = {c: name for name, c in auto.items()}
        self.mapping_table.setRowCount(0)
        self.combos = []
        for col, title in enumerate(s.header):
            row = self.mapping_table.rowCount()
            self.mapping_table.insertRow(row)
            cell = QtWidgets.QTableWidgetItem(title or f"column {sheets.column_letter(col)} (no header)")
            self.mapping_table.setItem(row, 0, cell)
            combo = QtWidgets.QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for name in sheets.FIELDS:
                combo.addItem(f"{sheets.field_label(name)} ({name})", name)
            combo.setCurrentIndex(max(0, combo.findData(by_col.get(col))))
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
            combo.setAccessibleName(f"Field for the column {title}")
            self.mapping_table.setCellWidget(row, 1, combo)
            self.combos.append(combo)
        self.mapping_table.resizeColumnToContents(0)
        self.refresh()

    # -- mapping and preview ----------------------------------------------------------------------------
    def columns(self) -> dict[str, int]:
        """{field: column} as the combos say; a field chosen for two columns takes the first."""
        out: dict[str, int] = {}
        for col, combo in enumerate(self.combos):
            name = combo.currentData()
            if name and name not in out:
                out[name] = col
        return out

    def _duplicates(self) -> list[str]:
        seen: dict[str, int] = {}
        dup = []
        for combo in self.combos:
            name = combo.currentData()
            if name:
                seen[name] = seen.get(name, 0) + 1
                if seen[name] == 2:
                    dup.append(sheets.field_label(name))
        return dup

    def refresh(self) -> None:
        """Check every row again with the chosen columns and framework, and show the first ones."""
        self.plan = None
        self.import_button.setEnabled(False)
        if self.sheet is None:
            return
        framework = self.framework_combo.currentText().strip()
        dup = self._duplicates()
        try:
            if dup:
                raise PolicyTrackerError(f"Several columns are imported as {', '.join(dup)}; choose one for each.")
            if not framework:
                raise PolicyTrackerError("Choose a framework, or type the title of a new one.")
            self.plan = sheets.plan(self.session.store, self.sheet, self.columns(), framework)
        except PolicyTrackerError as e:
            self._show_rows(None)
            self.summary.setText(str(e))
            return
        self._show_rows(self.plan)
        p = self.plan
        bad = len({ln.split(":", 1)[0] for ln in p.errors})
        into = f"“{_isolated(p.framework_title)}”" + (" (a new framework)" if p.new_framework else "")
        text = [f"{len(p.rows)} rows into {into}: {p.count('add')} to add, {p.count('update')} to update, "
                f"{p.count('unchanged')} unchanged."]
        if bad:
            text.append(f"{bad} row{'s have' if bad != 1 else ' has'} problems (shown beside them); fix the sheet "
                        f"or the columns, as nothing is imported while any row is bad.")
        if p.unmapped:
            text.append("Not imported: " + ", ".join(p.unmapped[:20]) + (" and more" if len(p.unmapped) > 20 else "")
                        + " (choose a field for a column to import it).")
        if len(p.rows) > PREVIEW_ROWS:
            text.append(f"The preview shows the first {PREVIEW_ROWS} rows.")
        self.summary.setText(" ".join(text))
        self.import_button.setEnabled(not bad and bool(p.rows))

    def _show_rows(self, p: sheets.Plan | None) -> None:
        fields = [n for n in sheets.FIELDS if p and n in p.columns]
        heads = ["Line", "Import", "Problems"] + [sheets.field_label(n) for n in fields]
        self.preview.clear()
        self.preview.setColumnCount(len(heads))
        self.preview.setHorizontalHeaderLabels(heads)
        rows = p.rows[:PREVIEW_ROWS] if p else []
        self.preview.setRowCount(len(rows))
        kinds = {r["key"]: r["label"] for r in self.session.store.item_kinds()}
        statuses = {r["key"]: r["label"] for r in self.session.store.statuses()}
        for i, r in enumerate(rows):
            does = {"add": "add", "update": "update: " + ", ".join(r.changed), "unchanged": "unchanged"}.get(
                r.action, "not imported")
            cells = [str(r.line), does, "; ".join(r.problems)]
            for n in fields:
                val = r.values.get(n, r.cells.get(n))  # a bad cell shows as written
                if n == "kind":
                    val = kinds.get(val, val)
                elif n == "status":
                    val = statuses.get(val, val)
                elif n == "tags":
                    val = ", ".join(val or [])
                cells.append("" if val is None else str(val))
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text.replace("\n", " ")[:300])
                if r.problems:
                    item.setBackground(PROBLEM_BG)
                if c == 2 and r.problems:
                    item.setToolTip("\n".join(r.problems))
                self.preview.setItem(i, c, item)
        self.preview.resizeColumnsToContents()
        for c in range(self.preview.columnCount()):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), 320 if c == 2 else 240))

    # -- importing --------------------------------------------------------------------------------------------
    def do_import(self) -> bool:
        """Import the sheet as one undoable step; on success say what it did and close."""
        self.refresh()  # against the file as it is now
        p = self.plan
        if p is None or not self.import_button.isEnabled() or self.path is None:
            if p is not None and p.errors:
                self.session.error(sheets.rows_message(p.name, p.errors))
            return False
        from ..exchange import jsonio
        from .file_ops import Progress
        doc = p.document()
        name = self.path.name
        progress = Progress(self, f"Importing {name}…")
        closed = False

        def close_progress() -> None:
            nonlocal closed
            if not closed:
                closed = True
                progress.close()
        cmd = cmds.ImportDocument(self.session, doc, sheets.importer(name, p.lines()), f"Import {name}", progress)
        interaction = self.session.interaction
        self.session.interaction = _MessagesCloseProgress(interaction, close_progress)  # type: ignore[assignment]
        try:
            ok = self.session.push(cmd)
        except jsonio.ImportCancelled:
            close_progress()
            self.session.inform("The import was cancelled; nothing was changed.")
            return False
        finally:
            self.session.interaction = interaction
            close_progress()
        if not ok:
            return False
        assert cmd.outcome is not None  # a pushed command has run
        self.last_report = cmd.outcome.result
        where = f"“{p.framework_title}”" + (" (a new framework)" if p.new_framework else "")
        self.session.inform(f"Imported {name} into {where}. {self.last_report.summary()} "
                            f"Edit > Undo takes the whole import back.")
        self.accept()
        return True


def _isolated(text: str) -> str:
    """Text shown inside a sentence in its own direction (a Persian title in an English sentence)."""
    return "\u2068" + text + "\u2069"


def open_sheet_import(window: Any, path: Path | str | None = None) -> SheetImportDialog | None:
    """File > Import Spreadsheet…: ask for the file (unless given), then show the dialog (window-modal).

    Returns the dialog, or None when no file was chosen or the file could not be read."""
    dlg = SheetImportDialog(window.session, window)
    dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    loaded = dlg.load_file(Path(path)) if path else dlg.choose_file()
    if not loaded:
        dlg.deleteLater()
        return None
    dlg.open()
    return dlg
