"""The target tab: baseline, target and observations, with a progress bar and a chart.

Laid out in narrow rows so the item panel fits a small screen; Enter in a target field saves
the target, Enter in an observation field adds the observation. Web addresses in observation
notes open in the browser (http/https only).
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ...core import validation as v
from ...core.bidi import show_embeddings
from ...core.model import ValidationError
from ...core.progress import progress_percent
from ...services import editing
from .. import commands as cmds
from ..widgets import FieldError, escape_tooltip, fit_date, open_url, plain_label, web_links
from .base import ItemTab, citation_picker, fill_citations, fmt_num
from .chart import TargetChart

Qt = QtCore.Qt


class TargetTab(ItemTab):
    """Baseline, target and observations; a progress bar and a chart; edit target, add values."""

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__(panel)
        lay = QtWidgets.QVBoxLayout(self)
        self.summary = plain_label("", name="Target summary")
        lay.addWidget(self.summary)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setAccessibleName("Progress towards the target")
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p% of the way from baseline to target")
        lay.addWidget(self.bar)
        self.chart = TargetChart()
        lay.addWidget(self.chart, 1)

        # mnemonics: the menus own F E M V H; the panel's fields and tabs T R K W P C D G N I S A L
        box = QtWidgets.QGroupBox("Target")
        g = QtWidgets.QGridLayout(box)
        self.fields: dict[str, QtWidgets.QLineEdit] = {}
        specs = [("baseline", "&Baseline", "Baseline", 0, 0), ("baseline_on", "on", "Baseline date", 0, 2),
                 ("target", "Target val&ue", "Target value", 1, 0), ("target_on", "by", "Target date", 1, 2),
                 ("unit", "Unit", "Unit", 2, 0)]
        for key, label, name, r, c in specs:
            e = QtWidgets.QLineEdit()
            e.setAccessibleName(name)
            if key.endswith("_on"):
                e.setPlaceholderText("YYYY-MM-DD")
                fit_date(e)
            e.returnPressed.connect(self.save_target)
            lab = QtWidgets.QLabel(label)
            lab.setBuddy(e)
            g.addWidget(lab, r, c)
            g.addWidget(e, r, c + 1, 1, 3 if key == "unit" else 1)
            self.fields[key] = e
        self.direction = QtWidgets.QComboBox()
        self.direction.setAccessibleName("Direction")
        for d in ("increase", "decrease", "maintain"):
            self.direction.addItem(d.capitalize(), d)
        dl = QtWidgets.QLabel("Directi&on")
        dl.setBuddy(self.direction)
        g.addWidget(dl, 3, 0)
        g.addWidget(self.direction, 3, 1, 1, 3)
        g.setColumnStretch(1, 1)
        self.save = QtWidgets.QPushButton("Save target")
        self.save.setAccessibleName("Save target")
        self.save.setToolTip("Save the target (Enter in any of its fields)")
        self.save.clicked.connect(self.save_target)
        self.clear = QtWidgets.QPushButton("Clear target")
        self.clear.setAccessibleName("Clear target")
        self.clear.clicked.connect(self.clear_target)
        self.error = FieldError()
        g.addWidget(self.error, 4, 0, 1, 4)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear)
        buttons.addWidget(self.save)
        g.addLayout(buttons, 5, 0, 1, 4)
        lay.addWidget(box)

        obs = QtWidgets.QGroupBox("Observations")
        ol = QtWidgets.QGridLayout(obs)
        self.obs_list = QtWidgets.QTreeWidget()
        self.obs_list.setAccessibleName("Observations")
        self.obs_list.setAccessibleDescription("Enter on an observation opens the first web address in its note")
        self.obs_list.setHeaderLabels(["Observed on", "Value", "Note"])
        self.obs_list.setRootIsDecorated(False)
        self.obs_list.setMaximumHeight(110)
        self.obs_list.itemActivated.connect(lambda it, _c: self._activated(it))
        self.obs_list.itemClicked.connect(lambda it, c: c == 2 and self._open_note_link(it))
        ol.addWidget(self.obs_list, 0, 0, 1, 3)
        self.obs_value = QtWidgets.QLineEdit()
        self.obs_value.setAccessibleName("Observed value")
        self.obs_value.setPlaceholderText("value")
        self.obs_on = QtWidgets.QLineEdit()
        self.obs_on.setAccessibleName("Observed on")
        self.obs_on.setPlaceholderText("YYYY-MM-DD")
        fit_date(self.obs_on)
        self.obs_note = QtWidgets.QLineEdit()
        self.obs_note.setAccessibleName("Observation note")
        self.obs_note.setPlaceholderText("note, source or web address")
        for e in (self.obs_value, self.obs_on, self.obs_note):
            e.returnPressed.connect(self.add_observation)
        self.obs_add = QtWidgets.QPushButton("Add observation")
        self.obs_add.setAccessibleName("Add observation")
        self.obs_add.setToolTip("Add the observation (Enter in any of its fields)")
        self.obs_add.clicked.connect(self.add_observation)
        self.obs_remove = QtWidgets.QPushButton("Remove")
        self.obs_remove.setAccessibleName("Remove observation")
        self.obs_remove.clicked.connect(self.remove_observation)
        ol.addWidget(self.obs_value, 1, 0, 1, 2)
        ol.addWidget(self.obs_on, 1, 2)
        ol.addWidget(self.obs_note, 2, 0, 1, 3)
        # the evidence in the sources: one of the item's citations (the words the value was read in)
        self.obs_cites = citation_picker("The item's words in a source that this value was read from")
        ol.addWidget(self.obs_cites, 3, 0, 1, 3)
        self.obs_error = FieldError()
        ol.addWidget(self.obs_error, 4, 0, 1, 3)
        ol.addWidget(self.obs_remove, 5, 1)
        ol.addWidget(self.obs_add, 5, 2)
        ol.setColumnStretch(0, 1)
        lay.addWidget(obs)
        self.obs_rows: list[dict] = []

    def _activated(self, it: QtWidgets.QTreeWidgetItem) -> bool:
        """Enter or double-click: the note's first web address, else the cited words in the reader."""
        if self._open_note_link(it):
            return True
        r = self.obs_list.indexOfTopLevelItem(it)
        cid = self.obs_rows[r].get("citation_id") if 0 <= r < len(self.obs_rows) else None
        if cid:
            self.panel.citation_opened.emit(cid)
            return True
        return False

    def _open_note_link(self, it: QtWidgets.QTreeWidgetItem) -> bool:
        """Open the first web address in an observation's note; False when it has none."""
        r = self.obs_list.indexOfTopLevelItem(it)
        links = web_links(self.obs_rows[r]["note"] or "") if 0 <= r < len(self.obs_rows) else []
        if not links:
            return False
        if not open_url(links[0][2]):
            self.session.error("Only web links (http or https) can be opened.")
            return False
        return True

    def load(self, item: dict | None) -> None:
        super().load(item)
        st = self.session.store
        t = st.get_target(item["id"]) if item else None
        self.obs_rows = st.observations_for_item(item["id"]) if item else []
        for key, e in self.fields.items():
            val = (t or {}).get(key)
            e.setText(fmt_num(val).replace(",", "") if isinstance(val, (int, float)) else (val or ""))
        self.direction.setCurrentIndex(max(0, self.direction.findData((t or {}).get("direction") or "increase")))
        self.error.show_error(None)
        self.obs_list.clear()
        cits = st.citations_for_item(item["id"]) if item else []
        quotes = fill_citations(self.obs_cites, cits)
        changed = {c["id"] for c in cits if c.get("figures_changed")}
        for o in self.obs_rows:
            it = QtWidgets.QTreeWidgetItem([o["observed_on"], fmt_num(o["value"]),
                                            " ".join(show_embeddings(o["note"] or "").split())])
            it.setToolTip(2, escape_tooltip(o["note"] or ""))
            if o.get("citation_id") in quotes:
                q = " ".join((quotes[o["citation_id"]] or "").split())
                it.setToolTip(1, escape_tooltip(f"Read in: “{q}”\n\nPress Enter to show the words in the reader."))
                it.setText(1, it.text(1) + " ❝")
                if o["citation_id"] in changed:  # a new edition of its source changed these figures
                    it.setText(1, it.text(1) + " ⚠")
                    it.setToolTip(1, escape_tooltip(f"The figures of “{q}” changed in the newest edition of its "
                                                    f"source: check this value (Citations to Check)."))
            if web_links(o["note"] or ""):
                font = QtGui.QFont(self.obs_list.font())
                font.setUnderline(True)
                it.setFont(2, font)
                it.setForeground(2, self.palette().brush(QtGui.QPalette.ColorRole.Link))
                it.setToolTip(2, escape_tooltip((o["note"] or "") + "\n\nClick or press Enter to open the link."))
            self.obs_list.addTopLevelItem(it)
        self.chart.set_data(t, self.obs_rows)
        pct = progress_percent(t, self.obs_rows)
        self.bar.setVisible(pct is not None)
        self.bar.setValue(pct or 0)
        if t:
            base = (f"Baseline {fmt_num(t['baseline'])}" + (f" ({t['baseline_on']})" if t["baseline_on"] else "")
                    if t["baseline"] is not None else "No baseline")
            latest = (f"latest {fmt_num(self.obs_rows[-1]['value'])} ({self.obs_rows[-1]['observed_on']})"
                      if self.obs_rows else "no observations yet")
            self.summary.setText(f"{base} → target {fmt_num(t['target'])} {t['unit'] or ''}"
                                 + (f" by {t['target_on']}" if t["target_on"] else "") + f"; {latest}.")
        else:
            self.summary.setText("This item has no numeric target. Enter one below to follow progress.")

    def changeEvent(self, e: QtCore.QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(e)
        if e.type() == QtCore.QEvent.Type.PaletteChange:
            QtCore.QTimer.singleShot(0, self, self.theme_changed)

    def theme_changed(self) -> None:
        """Link colours in the observation list come from the palette: fill it again."""
        if self.item is not None:
            self.load(self.item)

    def _form(self) -> dict:
        d = {k: e.text().strip() or None for k, e in self.fields.items()}
        d["direction"] = self.direction.currentData()
        return d

    def save_target(self) -> bool:
        if self.item is None:
            return False
        try:
            editing.clean_target(self._form())
        except ValidationError as e:
            self.error.show_error(str(e))
            return False
        self.error.show_error(None)
        return self.session.push(cmds.SetTarget(self.session, self.item["id"], self._form()))

    def clear_target(self) -> bool:
        if self.item is None or self.session.store.get_target(self.item["id"]) is None:
            return False
        return self.session.push(cmds.SetTarget(self.session, self.item["id"], None))

    def add_observation(self) -> bool:
        if self.item is None:
            return False
        try:
            v.number(self.obs_value.text(), "value", required=True)
            v.parse_date(self.obs_on.text(), "observed_on", required=True)
        except ValidationError as e:
            self.obs_error.show_error(str(e))
            return False
        self.obs_error.show_error(None)
        ok = self.session.push(cmds.AddObservation(self.session, self.item["id"], self.obs_value.text().strip(),
                                                   self.obs_on.text().strip(), self.obs_note.text(),
                                                   self.obs_cites.currentData()))
        if ok:
            self.obs_value.clear()
            self.obs_note.clear()
        return ok

    def remove_observation(self) -> bool:
        cur = self.obs_list.currentItem()
        r = self.obs_list.indexOfTopLevelItem(cur) if cur else -1
        if not (0 <= r < len(self.obs_rows)):
            return False
        return self.session.push(cmds.RemoveObservation(self.session, self.obs_rows[r]["id"]))
