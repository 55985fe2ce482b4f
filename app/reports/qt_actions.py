"""The window's report actions: File > Print Preview..., Print..., Export Report as PDF / HTML / Word / Excel.

Each first asks what to report (`ReportOptionsDialog`, with saved settings), then lays the report
out once and paints it to the preview, the printer or a PDF, with a progress dialog that can
cancel a long report. Errors a person can act on are shown in one message box.

The dialog opens with the settings it was last confirmed with (data.load_last_options), so
Preview, Print and Export share them, and so does the next start of the app; named presets
are kept beside them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.model import PolicyTrackerError
from . import data
from .data import PAGE_SIZES, ReportOptions, build_report

EXPORT_FILTERS = {"pdf": "PDF document (*.pdf)", "html": "Web page (*.html)", "docx": "Word document (*.docx)",
                  "xlsx": "Excel workbook (*.xlsx)"}
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "docx": "Word", "xlsx": "Excel"}


class ReportOptionsDialog(QDialog):
    """Choose frameworks, statuses, kinds, tags, the as-of date and what to include; save settings by name."""

    def __init__(self, store, parent: QWidget | None = None, options: ReportOptions | None = None,
                 action: str = "Create Report"):
        super().__init__(parent)
        self.setWindowTitle("Report Settings")
        self.store = store
        self.frameworks = self._checklist([(f["id"], f["title"]) for f in store.list_frameworks()])
        self.statuses = self._checklist([(s["key"], s["label"]) for s in store.statuses()])
        self.kinds = self._checklist([(k["key"], k["label"]) for k in store.item_kinds()])
        self.tags = self._checklist([(t, t) for t in store.tags()])
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        _roomy_calendar(self.as_of.calendarWidget())
        self.title = QLineEdit()
        self.analyst = QLineEdit()
        self.notes = QCheckBox("Latest notes")
        self.notes_per_item = QSpinBox(minimum=1, maximum=50)
        self.quotes = QCheckBox("Quoted source words and the list of sources")
        self.charts = QCheckBox("Charts")
        self.show_file = QCheckBox("Name the database file on the cover")
        self.approved_only = QCheckBox("Approved entries only (else unapproved ones are marked)")
        self.approved_only.setObjectName("approvedOnly")
        self.stale_days = QSpinBox(minimum=1, maximum=3650, suffix=" days")
        # a crosswalk of two frameworks after their sections (crosswalk_section)
        self.crosswalk = QCheckBox("A crosswalk of")
        self.crosswalk_a, self.crosswalk_b = QComboBox(), QComboBox()
        for chooser, name in ((self.crosswalk_a, "Crosswalk rows: framework"),
                              (self.crosswalk_b, "Crosswalk columns: framework")):
            for f in store.list_frameworks():
                chooser.addItem(f["title"], f["id"])
            chooser.setAccessibleName(name)
            chooser.setMinimumContentsLength(18)
            chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        if self.crosswalk_b.count() > 1:
            self.crosswalk_b.setCurrentIndex(1)
        self.crosswalk.setEnabled(self.crosswalk_a.count() > 1)
        self.page_size = QComboBox()
        self.page_size.addItems(PAGE_SIZES)
        self.presets = QComboBox()
        load, save, delete = QPushButton("Load"), QPushButton("Save As..."), QPushButton("Delete")
        load.clicked.connect(self._load_preset)
        save.clicked.connect(self._save_preset)
        delete.clicked.connect(self._delete_preset)

        pick = QGridLayout()
        for col, (label, widget) in enumerate((("Frameworks", self.frameworks), ("Statuses", self.statuses),
                                               ("Kinds", self.kinds), ("Tags", self.tags))):
            box = QGroupBox(f"{label} (none ticked: all)")
            lay = QVBoxLayout(box)
            lay.addWidget(widget)
            pick.addWidget(box, 0, col)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Prepared by", self.analyst)
        form.addRow("Status as of", self.as_of)
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes)
        notes_row.addWidget(self.notes_per_item)
        notes_row.addWidget(QWidget(), 1)
        form.addRow("Include", notes_row)
        form.addRow("", self.quotes)
        form.addRow("", self.charts)
        form.addRow("", self.show_file)
        cross_row = QHBoxLayout()
        cross_row.addWidget(self.crosswalk)
        cross_row.addWidget(self.crosswalk_a, 1)
        against = QLabel("against")
        against.setTextFormat(Qt.TextFormat.PlainText)
        cross_row.addWidget(against)
        cross_row.addWidget(self.crosswalk_b, 1)
        form.addRow("", cross_row)
        form.addRow("Review", self.approved_only)
        form.addRow("Flag items without an update in", self.stale_days)
        form.addRow("Page size", self.page_size)
        presets = QHBoxLayout()
        presets.addWidget(self.presets, 1)
        for b in (load, save, delete):
            presets.addWidget(b)
        form.addRow("Saved settings", presets)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(action)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(pick)
        outer.addLayout(form)
        outer.addWidget(buttons)
        self._refresh_presets()
        self.set_options(options or ReportOptions())

    @staticmethod
    def _checklist(entries: list[tuple[str, str]]) -> QListWidget:
        w = QListWidget()
        for key, label in entries:
            it = QListWidgetItem(label)  # list items show plain text
            it.setData(Qt.ItemDataRole.UserRole, key)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            w.addItem(it)
        w.setMinimumWidth(160)
        return w

    @staticmethod
    def _checked(w: QListWidget) -> list[str]:
        return [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
                if w.item(i).checkState() == Qt.CheckState.Checked]

    @staticmethod
    def _check(w: QListWidget, keys: list[str]) -> None:
        wanted = set(keys)
        for i in range(w.count()):
            it = w.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in wanted
                             else Qt.CheckState.Unchecked)

    def set_options(self, o: ReportOptions) -> None:
        self._check(self.frameworks, o.framework_ids)
        self._check(self.statuses, o.statuses)
        self._check(self.kinds, o.kinds)
        self._check(self.tags, o.tags)
        d = o.effective_as_of()
        self.as_of.setDate(QDate(d.year, d.month, d.day))
        self.title.setText(o.title)
        self.analyst.setText(o.analyst)
        self.notes.setChecked(o.include_notes)
        self.notes_per_item.setValue(max(1, o.notes_per_item))
        self.quotes.setChecked(o.include_quotes)
        self.charts.setChecked(o.include_charts)
        self.show_file.setChecked(o.show_file)
        ids = [self.crosswalk_a.itemData(i) for i in range(self.crosswalk_a.count())]
        pair = o.crosswalk if len(o.crosswalk) == 2 and all(f in ids for f in o.crosswalk) else []
        self.crosswalk.setChecked(bool(pair))
        if pair:
            self.crosswalk_a.setCurrentIndex(ids.index(pair[0]))
            self.crosswalk_b.setCurrentIndex(ids.index(pair[1]))
        self.approved_only.setChecked(o.approved_only)
        self.stale_days.setValue(max(1, o.stale_days))
        self.page_size.setCurrentText(o.page_size)

    def options(self) -> ReportOptions:
        q = self.as_of.date()
        as_of = dt.date(q.year(), q.month(), q.day())
        return ReportOptions(
            framework_ids=self._checked(self.frameworks), statuses=self._checked(self.statuses),
            kinds=self._checked(self.kinds), tags=self._checked(self.tags),
            as_of=None if as_of == dt.date.today() else as_of,
            include_notes=self.notes.isChecked(), notes_per_item=self.notes_per_item.value(),
            include_quotes=self.quotes.isChecked(), include_charts=self.charts.isChecked(),
            stale_days=self.stale_days.value(), title=self.title.text().strip() or "Status report",
            analyst=self.analyst.text().strip(), page_size=self.page_size.currentText(),
            show_file=self.show_file.isChecked(), crosswalk=self._crosswalk_pair(),
            approved_only=self.approved_only.isChecked())

    def _crosswalk_pair(self) -> list[str]:
        a, b = self.crosswalk_a.currentData(), self.crosswalk_b.currentData()
        return [a, b] if self.crosswalk.isChecked() and a and b and a != b else []

    # -- presets -----------------------------------------------------------------------------------
    def _refresh_presets(self, select: str | None = None) -> None:
        self.presets.clear()
        try:
            self.presets.addItems(data.list_presets())
        except PolicyTrackerError as e:
            _error(self, e)
        if select:
            self.presets.setCurrentText(select)

    def _load_preset(self) -> None:
        name = self.presets.currentText()
        if name:
            try:
                self.set_options(data.load_preset(name))
            except PolicyTrackerError as e:
                _error(self, e)

    def _save_preset(self) -> None:
        name, ok = QInputDialog.getText(self, "Save Report Settings", "Name:", text=self.presets.currentText())
        if ok and name.strip():
            try:
                data.save_preset(name, self.options())
            except (PolicyTrackerError, OSError) as e:
                _error(self, e)
            self._refresh_presets(name.strip())

    def _delete_preset(self) -> None:
        name = self.presets.currentText()
        if name:
            data.delete_preset(name)
            self._refresh_presets()


def _roomy_calendar(cal: QCalendarWidget) -> None:
    """Wide enough for the locale's short weekday names (the popup's default width elides them to '…')."""
    cal.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
    fm = cal.fontMetrics()
    locale = cal.locale()
    widest = max(fm.horizontalAdvance(locale.dayName(d, QLocale.FormatType.ShortFormat)) for d in range(1, 8))
    widest = max(widest, fm.horizontalAdvance("00"))
    cal.setMinimumWidth(calendar_min_width(widest))


def calendar_min_width(widest_day: int) -> int:
    """Seven day columns and the week-number column, each with room for a name and its cell margins."""
    return 8 * (widest_day + 14) + 8


def _error(parent, exc: Exception) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Report", str(exc), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


class _Progress:
    """A cancellable progress dialog as a ProgressFn (done, total) -> keep going?"""

    def __init__(self, parent, label: str):
        self.dlg = QProgressDialog(label, "Cancel", 0, 100, parent)
        self.dlg.setWindowModality(Qt.WindowModality.WindowModal)
        self.dlg.setMinimumDuration(400)

    def __call__(self, done: int, total: int) -> bool:
        self.dlg.setMaximum(max(1, total))
        self.dlg.setValue(min(done, max(1, total)))
        QApplication.processEvents()
        return not self.dlg.wasCanceled()

    def close(self) -> None:
        self.dlg.reset()


def ask_options(parent, store, action: str) -> ReportOptions | None:
    """The report dialog, opened on the last confirmed settings; confirming keeps them for next time."""
    dlg = ReportOptionsDialog(store, parent, options=data.load_last_options(), action=action)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    options = dlg.options()
    remember(options, parent)
    return options


def remember(options: ReportOptions, parent=None) -> None:
    """Keep options as the dialog's next starting point; a settings folder that cannot be written is said once."""
    try:
        data.save_last_options(options)
    except (OSError, PolicyTrackerError) as e:
        if parent is not None:
            _error(parent, PolicyTrackerError(f"The report settings could not be kept for next time ({e})."))


def _prepare(parent, store, options: ReportOptions):
    from .pdf import lay_out_report
    progress = _Progress(parent, "Preparing the report...")
    try:
        report = build_report(store, options, progress)
        progress.dlg.setLabelText("Laying out pages...")
        QApplication.processEvents()
        laid = lay_out_report(report)
    finally:
        progress.close()
    return report, laid


def _printer(options: ReportOptions, mode=QPrinter.PrinterMode.HighResolution) -> QPrinter:
    from .pdf import page_layout
    printer = QPrinter(mode)
    printer.setFullPage(True)  # our own margins, header and footer
    printer.setPageLayout(page_layout(options.page_size))
    printer.setDocName(options.title)
    return printer


def print_preview(parent, store, options: ReportOptions | None = None) -> bool:
    """File > Print Preview...: returns False when cancelled or refused."""
    from .pdf import paint
    options = options or ask_options(parent, store, "Preview")
    if options is None:
        return False
    try:
        report, laid = _prepare(parent, store, options)
        printer = _printer(options)
        preview = QPrintPreviewDialog(printer, parent)
        preview.setWindowTitle(f"Print Preview: {options.title}")
        preview.paintRequested.connect(lambda p: paint(laid, p, report))
        preview.exec()
    except PolicyTrackerError as e:
        _error(parent, e)
        return False
    return True


def print_report(parent, store, options: ReportOptions | None = None) -> bool:
    """File > Print...: the system print dialog, then the pages chosen there."""
    from .pdf import paint
    options = options or ask_options(parent, store, "Print...")
    if options is None:
        return False
    try:
        report, laid = _prepare(parent, store, options)
        printer = _printer(options)
        dlg = QPrintDialog(printer, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        pages = None
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            pages = list(range(printer.fromPage() - 1, printer.toPage()))
        progress = _Progress(parent, "Printing...")
        try:
            paint(laid, printer, report, progress, pages)
        finally:
            progress.close()
    except PolicyTrackerError as e:
        _error(parent, e)
        return False
    return True


def export_report(parent, store, fmt: str, options: ReportOptions | None = None, path: str | None = None, *,
                  choose_path: Callable[[str, str, str], str] | None = None) -> Path | None:
    """File > Export Report as PDF / HTML / Word / Excel: returns the file written, or None.

    Without `path`, `choose_path(caption, suggested, filter)` asks for it: the window passes its
    own file dialog, which never opens the files it lists (app/ui/file_dialogs.py).
    """
    if fmt not in EXPORT_FILTERS:
        raise ValueError(fmt)
    options = options or ask_options(parent, store, f"Export as {FORMAT_NAMES[fmt]}...")
    if options is None:
        return None
    if path is None:
        suggested = str(Path.home() / f"{options.title or 'report'}.{fmt}")
        if choose_path is None:
            raise ValueError("export_report needs a path or a way to choose one")
        path = choose_path(f"Export Report as {FORMAT_NAMES[fmt]}", suggested, EXPORT_FILTERS[fmt])
        if not path:
            return None
    out = Path(path)
    try:
        from .commands import _check_output, write_report
        _check_output(out)
        progress = _Progress(parent, f"Writing the {FORMAT_NAMES[fmt]} report...")
        try:
            write_report(build_report(store, options, progress), out, fmt, progress if fmt == "pdf" else None)
        finally:
            progress.close()
    except (PolicyTrackerError, OSError) as e:
        _error(parent, e if isinstance(e, PolicyTrackerError) else PolicyTrackerError(f"{out} could not be written."))
        return None
    return out
