"""The analyst's main window: navigator | items (filter bar, table, reader) | item panel.

The window wires widgets together; it never writes to the store itself: every change is an
undo command pushed through the session (widget -> command -> service). Its actions and menus
are built by app/ui/main_actions.py; the File menu's slots (open, new, copy, restore, backup,
add source, import, export, reports) are app.ui.file_ops.FileMenu, mixed in here.
"""
from __future__ import annotations

import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.model import Changes, PolicyTrackerError
from ..store.store import Store
from . import commands as cmds
from . import editions_ui, main_actions, review_mode
from .dialogs import TrackItemDialog
from .file_ops import DB_FILTER, MAX_RECENT, FileMenu  # noqa: F401 - DB_FILTER, MAX_RECENT re-exported
from .help import GuideWindow
from .item_panel import ItemPanel
from .item_table import FilterBar, ItemTableView
from .models import ItemFilter
from .navigator import Navigator
from .notice_bar import NoticeBar
from .overview_tabs import OverviewTabs
from .preferences import Preferences, PreferencesDialog
from .preferences import apply as apply_preferences
from .reader import SourceReader
from .search import SearchPanel
from .session import Interaction, Session
from .welcome import FRESH_MAX_ITEMS, WelcomePage, set_welcome_hidden, should_welcome
from .widgets import plain_label

Qt = QtCore.Qt
BACKUP_INTERVAL_MS = 30 * 60 * 1000
WORDS_UNPAINTED_MS = 500  # the reader finds the first item's words this soon even if no paint comes


class MainWindow(QtWidgets.QMainWindow, FileMenu):
    act_delete: QtGui.QAction  # built with the other actions by main_actions.build_actions
    def __init__(self, store: Store, *, prefs: Preferences | None = None, interaction: Interaction | None = None,
                 poll_ms: int = 2000):
        super().__init__()
        self.prefs = prefs or Preferences.load()
        self._interaction = interaction or Interaction(lambda: self)
        self._poll_ms = poll_ms
        self.setObjectName("mainWindow")
        self.setAccessibleName("Policy Tracker")
        # 1440x900, or the screen when it is smaller (the layout fits down to 1024x768)
        avail = (self.screen() or QtGui.QGuiApplication.primaryScreen()).availableGeometry()
        self.resize(min(1440, avail.width()), min(900, avail.height()))
        self.undo_group = QtGui.QUndoGroup(self)
        self.session: Session = None  # type: ignore[assignment]
        self.search: SearchPanel | None = None
        self.guide: GuideWindow | None = None
        self._sized = False
        self._following = True  # the reader shows the selected item's words (off while the reader chose it)
        # opening a file, the window paints before the reader looks up the first item's words: a
        # zero timer started before show() fires before the first paint, so showing the window
        # re-arms it and the first paint starts it (the long interval only covers a window never painted)
        self._words_after_paint = False
        self._words_timer = QtCore.QTimer(self)
        self._words_timer.setSingleShot(True)
        self._words_pending: str | None = None
        self._words_timer.timeout.connect(lambda: self._show_words_if_current(self._words_pending))
        main_actions.build_actions(self)
        main_actions.build_menus(self)
        editions_ui.install(self)  # File > Add New Edition…, View > Citations to Check…
        self._build_help_actions()
        self.setStatusBar(QtWidgets.QStatusBar(self))
        self.set_store(store)
        self.restore_layout()
        # Automatic backups (app.services.backups): soon after opening, then every half hour and
        # on closing, each only when the file changed since the last one.
        self._backup_timer = QtCore.QTimer(self)
        self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self._backup_timer.timeout.connect(self.backup_if_changed)
        self._backup_timer.start()
        QtCore.QTimer.singleShot(5000, self, lambda: self._backup_timer.isActive() and self.backup_if_changed())

    # -- building ------------------------------------------------------------------------------
    def _build_central(self) -> None:
        s = self.session
        self.navigator = Navigator(s)
        self.search = SearchPanel(s)
        left = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("leftSplitter")
        left.addWidget(self._titled("Frameworks", editions_ui.with_check_count(self, self.navigator)))
        left.addWidget(self._titled("Search", self.search))
        left.setSizes([430, 470])
        self.filter_bar = FilterBar(s)
        self.table = ItemTableView(s)
        items_box = QtWidgets.QWidget()
        il = QtWidgets.QVBoxLayout(items_box)
        il.setContentsMargins(0, 0, 0, 0)
        il.setSpacing(4)
        il.addWidget(self.filter_bar)
        il.addWidget(self.table, 1)
        self.reader = SourceReader(s)
        # the welcome is a page over the item table, never a modal dialog (app/ui/welcome.py); it is
        # built the first time it shows (`welcome`): a 100,000-item file never pays for it
        self._welcome: WelcomePage | None = None
        self.items_stack = QtWidgets.QStackedWidget()
        self.items_stack.setObjectName("itemsStack")
        # the item table, the dashboard and the crosswalk as tabs (app/ui/overview_tabs.py builds the
        # other two when first shown)
        self.views = OverviewTabs(s, self._titled("Items", items_box), self._open_from_overview)
        self.items_page = self.views
        self.items_stack.addWidget(self.items_page)
        middle = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        middle.setObjectName("middleSplitter")
        middle.addWidget(self.items_stack)
        self.reader_box = self._titled("Source reader", self.reader)
        middle.addWidget(self.reader_box)
        middle.setSizes([380, 520])
        # the dashboard and the crosswalk need the whole column; the reader comes back with the items
        self.views.currentChanged.connect(lambda _n: self.reader_box.setVisible(self.views.current_view() == "items"))
        self.panel = ItemPanel(s)
        # the panel scrolls when the window is short (1024x768): its fields and "Add update" stay reachable
        self.panel_scroll = PanelScroll(self.panel)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.panel_scroll)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([300, 640, 500])
        self.splitters = {"main": self.splitter, "left": left, "middle": middle}
        self.notice = NoticeBar()
        self.notice.reopen_requested.connect(self.reopen_file)
        s.noticed.connect(self.notice.show_notice)
        central = QtWidgets.QWidget()
        cl = QtWidgets.QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.notice)
        cl.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.navigator.scope_chosen.connect(lambda *_: self.apply_filters())
        self.filter_bar.changed.connect(self.apply_filters)
        self.table.item_selected.connect(self._item_selected)
        self.panel.citation_opened.connect(self.open_citation)
        self.panel.item_activated.connect(self.go_to_item)
        if self.reader is not None:
            self.reader.item_activated.connect(self._reader_chose_item)
            self.reader.track_requested.connect(self.track_selection)
            self.reader.cite_requested.connect(self.cite_selection)
        if self.search is not None:
            self.search.item_requested.connect(self.go_to_item)
            self.search.passage_requested.connect(self.open_passage)
        s.changed.connect(self._on_changed)
        s.undo_stack.indexChanged.connect(self._started_working)
        # a long list is counted as it is listed: the count is final once the listing is in
        self.table.items.ids_completed.connect(self._update_counts)
        self._update_counts()
        self._update_actions()

    @staticmethod
    def _titled(title: str, w: QtWidgets.QWidget) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lab = QtWidgets.QLabel(title)
        lab.setObjectName("paneTitle")
        lab.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(lab)
        lay.addWidget(w, 1)
        return box

    # -- the open file ----------------------------------------------------------------------------
    def set_store(self, store: Store) -> None:
        """Show another file: a fresh session, undo history and widgets for it."""
        old = self.session
        old_central = self.centralWidget()
        if old is not None and self.search is not None:
            self.search.wait_for_idle()
        if old is not None:
            self.save_layout()
            self.undo_group.removeStack(old.undo_stack)
            old.stop()
        self.session = Session(store, self, analyst=self.prefs.analyst, interaction=self._interaction,
                               poll_ms=self._poll_ms)
        self.undo_group.addStack(self.session.undo_stack)
        self.undo_group.setActiveStack(self.session.undo_stack)
        self.session.undo_stack.cleanChanged.connect(lambda _c: self._update_title())
        self._build_central()
        if old_central is not None:
            # delete the old widgets now: a queued deleteLater would let them see events after the
            # old file is closed
            shiboken6.Shiboken.delete(old_central)
        if old is not None:
            old.close()
            old.deleteLater()
            self.restore_layout()
        self._update_title()
        self._remember_recent(store.path)
        if store.warnings:
            self.statusBar().showMessage(" ".join(store.warnings))
        elif store.readonly:
            self.statusBar().showMessage("This file is open read-only; changes cannot be saved.")
        if self.table.items.rowCount() and (first := self.table.items.item_id(0)) is not None:
            self.table.select_item(first)
        if should_welcome(store.count_items(at_most=FRESH_MAX_ITEMS + 1)) and store.review_copy is None:
            self.show_welcome()
        elif store.count_items(at_most=1):
            self.views.show_view("dashboard", after_paint=True)  # a returning analyst's first view
        review_mode.attach(self)  # the review panel; review mode when the file is a review copy

    def _update_title(self) -> None:
        path = self.session.store.path
        self.setWindowFilePath(str(path))
        # the app's name last: on X11 Qt adds " — Policy Tracker" to a title that does not end with it
        marks = (" (read-only)" if self.session.store.readonly else "") + \
            (" (review copy)" if self.session.store.review_copy is not None else "")
        self.setWindowTitle(f"{path.name}{marks} — Policy Tracker")

    def reopen_file(self) -> bool:
        """Open the same path again (after saving had to stop), keeping the edits not yet saved."""
        path = self.session.store.path
        item_id = self.current_item_id()
        pending = self.panel.pending_edits()
        try:
            store = Store(path, create=False)
        except (PolicyTrackerError, OSError) as e:
            self.notice.show_notice("stopped", f"{path.name} could not be reopened: {e} Your unsaved changes are "
                                               f"still in the window.")
            return False
        self.set_store(store)
        if item_id is not None and self.go_to_item(item_id):
            self.panel.restore_pending(pending)
        self.statusBar().showMessage(f"Reopened {path.name}." + (" Your unsaved changes are back in their fields; "
                                     "press Enter in each to save it." if pending else ""), 10000)
        return True

    # -- items ---------------------------------------------------------------------------------------
    def current_item_id(self) -> str | None:
        return self.panel.item["id"] if self.panel.item else None

    def _item_selected(self, item_id: str | None) -> None:
        self.panel.set_item(item_id)
        if self.reader is not None:
            self.reader.set_current_item(item_id)
            if item_id is not None and self._following:
                if self.isVisible():
                    self.show_item_words(item_id)
                else:  # opening the file: the window paints first, then the reader finds the words
                    self._words_pending = item_id
                    self._words_timer.start(0)
        self._update_actions()

    def _show_words_if_current(self, item_id: str | None) -> None:
        if item_id is not None and self.current_item_id() == item_id and self._following:
            self.show_item_words(item_id)

    def show_item_words(self, item_id: str) -> bool:
        """Show the item's first placed citation in the reader, highlighted and on screen.

        Left alone when the reader's cursor is already in one of the item's passages (the person
        clicked it there); False when the item cites no words that are placed in a text.
        """
        if self.reader is None:
            return False
        placed = [c for c in self.session.store.citations_for_item(item_id) if c["start"] is not None]
        if not placed:
            return False
        if self.reader.source_id is not None and not self.reader.text_view.textCursor().hasSelection():
            here = self.reader.cursor_offset()
            if any(c["source_id"] == self.reader.source_id and c["start"] <= here < c["end"] for c in placed):
                return True
        return self.reader.show_citation(placed[0]["id"])

    def _reader_chose_item(self, item_id: str) -> None:
        """A passage clicked in the reader opens its item; the reader stays where the person is."""
        self._following = False
        try:
            self.go_to_item(item_id)
        finally:
            self._following = True

    def show_view(self, key: str) -> None:
        """Show the item table ("items"), the dashboard or the crosswalk."""
        if key != "items" and self.welcome_shown():
            self.close_welcome()
        self.views.show_view(key)

    def _open_from_overview(self, item_id: str) -> None:
        """An entry of the dashboard or an item of the crosswalk: its row in the table, its panel."""
        self.views.show_view("items")
        self.go_to_item(item_id)

    def go_to_item(self, item_id: str) -> bool:
        """Select an item in the table, widening the filters when it is hidden by them."""
        if self.table.select_item(item_id):
            return True
        if self.session.store.get_item(item_id) is None:
            return False
        self.clear_filters()
        return self.table.select_item(item_id)

    def clear_filters(self) -> None:
        self.filter_bar.blockSignals(True)
        self.filter_bar.reset()
        self.filter_bar.blockSignals(False)
        self.navigator.select_scope(None)
        self.apply_filters()

    def apply_filters(self) -> None:
        if self.welcome_shown():
            self.close_welcome()  # choosing a framework or a filter asks for the items: show them
        fid, status = self.navigator.scope()
        flt = self.filter_bar.apply_to(ItemFilter(framework_ids=(fid,) if fid else None), status)
        self.table.items.set_filter(flt)
        self._update_counts()

    def _update_counts(self) -> None:
        n, total = self.table.items.matched_count(), self.session.store.count_items()
        self.filter_bar.count.setText(f"{n:,} of {total:,} items" if n != total else f"{total:,} items")

    def _on_changed(self, changes: Changes) -> None:
        if changes.structure:
            self._update_counts()
        for m in changes.messages:
            self.statusBar().showMessage(m, 8000)
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.current_item_id() is not None
        self.act_delete.setEnabled(has and not self.session.store.readonly and self.session.store.review_copy is None)

    def new_item(self) -> str | None:
        fid, _ = self.navigator.scope()
        fields = self.ask_item_fields("", fid, heading="New item")
        if not fields:
            return None
        cmd = cmds.CreateItem(self.session, fields)
        if not self.session.push(cmd):
            return None
        self.go_to_item(cmd.item_id)
        return cmd.item_id

    def ask_item_fields(self, title: str, framework_id: str | None, *, heading: str) -> dict | None:
        """The seam for the new-item dialog (tests replace this method)."""
        dlg = TrackItemDialog(self.session, title, framework_id, self, heading=heading)
        return dlg.fields() if dlg.exec() else None

    # -- reader and search ------------------------------------------------------------------------
    def open_citation(self, citation_id: str) -> bool:
        if self.reader is None:
            self.session.error("The source reader is not available.")
            return False
        return self.reader.show_citation(citation_id)

    def open_passage(self, source_id: str, start: int, end: int) -> bool:
        if self.reader is None or not self.reader.show_source(source_id):
            return False
        if end > start:
            self.reader.reveal(start, end)
        return True

    def track_selection(self, source_id: str, start: int, end: int) -> str | None:
        """Selected words become a new item citing them: one undo step."""
        src = self.session.store.get_source(source_id)
        if src is None:
            return None
        fid = self.navigator.scope()[0] or (self.panel.item or {}).get("framework_id")
        fields = self.ask_item_fields(src["text"][start:end], fid, heading="Track as new item")
        if not fields:
            return None
        cmd = cmds.track_new_item(self.session, fields, source_id, start, end)
        if not self.session.push(cmd):
            return None
        self.go_to_item(cmd.item_id)
        return cmd.item_id

    def cite_selection(self, source_id: str, start: int, end: int) -> bool:
        iid = self.current_item_id()
        if iid is None:
            self.session.inform("Select an item first; the words will be cited for it.")
            return False
        return self.session.push(cmds.AddCitation(self.session, iid, source_id, start, end))

    def focus_search(self) -> None:
        if self.search is not None:
            self.search.focus_search()

    def focus_reader(self) -> None:
        if self.reader is not None:
            self.reader.setFocus()

    # -- preferences, layout, closing --------------------------------------------------------------
    def edit_preferences(self) -> None:
        dlg = PreferencesDialog(self.prefs, self)
        if dlg.exec():
            self.set_preferences(dlg.value())

    def set_preferences(self, prefs: Preferences) -> None:
        self.prefs = prefs
        prefs.save()
        self.session.analyst = prefs.analyst
        self.panel.history.author.setText(prefs.analyst)
        apply_preferences(prefs)

    def about_text(self) -> str:
        return (f"Policy Tracker {app_version()}\n\nFollow the goals, proposals, priorities and targets that "
                f"governments state, anchored to their exact words.\n\nThe open file: {self.session.store.path}")

    def about(self) -> None:
        box = QtWidgets.QMessageBox(self)
        box.setWindowTitle("About Policy Tracker")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.about_text())
        box.exec()

    # -- help, welcome, keyboard ---------------------------------------------------------------------
    def _build_help_actions(self) -> None:
        """F1 (the guide), Help > Welcome, and F10 (the menu bar)."""
        self.act_guide = main_actions.action(self, "User &Guide", self.show_guide, "F1", "userGuide",
                                             "The user guide, shown beside the window")
        self.act_welcome = main_actions.action(self, "&Welcome", self.show_welcome, None, "welcome",
                                               "What the app is and three things to try")
        self.act_menu_bar = main_actions.action(self, "Menu Bar", self.focus_menu_bar, "F10", "focusMenuBar")
        self.addAction(self.act_menu_bar)  # in no menu: the key works anywhere in the window
        help_menu = next((a.menu() for a in self.menuBar().actions()
                          if a.menu() is not None and a.text().replace("&", "") == "Help"), None)
        if isinstance(help_menu, QtWidgets.QMenu):
            first = help_menu.actions()[0] if help_menu.actions() else None
            if first is None:
                help_menu.addActions([self.act_guide, self.act_welcome])
            else:
                help_menu.insertActions(first, [self.act_guide, self.act_welcome])
                help_menu.insertSeparator(first)
        else:  # pragma: no cover - the Help menu is built by main_actions
            self.addActions([self.act_guide, self.act_welcome])

    def show_guide(self) -> GuideWindow:
        if self.guide is None:
            self.guide = GuideWindow(self)
        self.guide.show_guide()
        return self.guide

    def focus_menu_bar(self) -> None:
        """F10: open the first menu; the arrow keys move along the menu bar from there."""
        mb = self.menuBar()
        first = next((a for a in mb.actions() if a.isVisible() and a.isEnabled()), None)
        if first is not None:
            mb.setFocus(Qt.FocusReason.ShortcutFocusReason)
            mb.setActiveAction(first)

    @property
    def welcome(self) -> WelcomePage:
        """The welcome page over the item table, built when first asked for."""
        if self._welcome is None:
            w = WelcomePage()
            w.reader_requested.connect(self.try_reader)
            w.update_requested.connect(self.try_status_update)
            w.add_source_requested.connect(self.add_source_document)
            w.guide_requested.connect(self.show_guide)
            w.closed.connect(self.close_welcome)
            self.items_stack.addWidget(w)
            self._welcome = w
        return self._welcome

    def welcome_shown(self) -> bool:
        return self._welcome is not None and self.items_stack.currentWidget() is self._welcome

    def show_welcome(self) -> None:
        store = self.session.store
        self.welcome.set_file_state(has_sources=bool(store.source_titles()), has_items=store.count_items(at_most=1) > 0)
        if not self.welcome_shown():
            # the welcome takes the larger share of the middle column while it shows
            middle = self.splitters["middle"]
            self._middle_sizes = middle.sizes()
            total = sum(self._middle_sizes) or 900
            middle.setSizes([total * 3 // 5, total - total * 3 // 5])
        self.items_stack.setCurrentWidget(self.welcome)

    def close_welcome(self, dont_show_again: bool = False) -> None:
        if dont_show_again:
            set_welcome_hidden(True)
        if self.welcome_shown() and getattr(self, "_middle_sizes", None):
            self.splitters["middle"].setSizes(self._middle_sizes)
        self.items_stack.setCurrentWidget(self.items_page)

    def _started_working(self, _index: int) -> None:
        """The first change made (or undone) means the person has started: the welcome stays away."""
        if self.session.undo_stack.count():
            set_welcome_hidden(True)
            if self.welcome_shown():
                self.close_welcome()

    def try_reader(self) -> None:
        """Welcome step 1: the reader with a source on screen and the cursor in its text."""
        if self.reader is None:
            return
        if self.reader.source_id is None and self.reader.picker.count():
            self.reader.show_source(self.reader.picker.itemData(0))
        self.reader.info.setText("Select some words, then choose Track as new item (Ctrl+Shift+T).")
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_status_update(self) -> None:
        """Welcome step 2: the item's status form, with the cursor in the note."""
        if self.panel.item is None and self.table.items.rowCount():
            first = self.table.items.item_id(0)
            if first is not None:
                self.table.select_item(first)
        if self.panel.item is None:
            return
        self.panel.tabs.setCurrentWidget(self.panel.history)
        self.panel.history.note.setFocus(Qt.FocusReason.OtherFocusReason)
        self.panel_scroll.ensureWidgetVisible(self.panel.history.note)

    def save_layout(self) -> None:
        s = QtCore.QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for name, sp in self.splitters.items():
            s.setValue(f"window/splitter_{name}", sp.saveState())
        s.setValue("window/columns", self.table.items.columns())
        s.setValue("window/table_header", self.table.horizontalHeader().saveState())

    def showEvent(self, e: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(e)
        if not self._sized and not QtCore.QSettings().contains("window/splitter_main"):
            # first start: proportions that fit framework titles and the item form
            w = max(self.splitter.width(), self.width(), 900)
            left = min(290, int(w * 0.2))
            # the panel gets room for its four tab titles (and never less than its minimum)
            tabs = self.panel.tabs.tabBar().sizeHint().width() + 48
            right = max(min(450, int(w * 0.32)), tabs, self.panel_scroll.minimumSizeHint().width())
            self.splitter.setSizes([left, w - left - right, right])
        self._sized = True
        if self._words_timer.isActive() and self._words_timer.interval() == 0:
            self._words_after_paint = True
            self._words_timer.start(WORDS_UNPAINTED_MS)

    def paintEvent(self, e: QtGui.QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if self._words_after_paint:  # the first frame is drawn: now the reader may look up the words
            self._words_after_paint = False
            self._words_timer.start(0)

    def restore_layout(self) -> None:
        s = QtCore.QSettings()
        geo = s.value("window/geometry")
        if isinstance(geo, QtCore.QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        state = s.value("window/state")
        if isinstance(state, QtCore.QByteArray):
            self.restoreState(state)
        for name, sp in self.splitters.items():
            st = s.value(f"window/splitter_{name}")
            if isinstance(st, QtCore.QByteArray):
                sp.restoreState(st)
        cols = s.value("window/columns")
        if isinstance(cols, list) and cols:
            self.table.items.set_columns([str(c) for c in cols])
            hdr = s.value("window/table_header")
            if isinstance(hdr, QtCore.QByteArray):
                self.table.horizontalHeader().restoreState(hdr)

    def closeEvent(self, e: QtGui.QCloseEvent) -> None:  # noqa: N802
        if not self.may_close():
            e.ignore()
            return
        self.save_layout()
        if self._backup_timer.isActive():  # not after shutdown(): the file is closed then
            self._backup_timer.stop()
            self.backup_if_changed()
        self.session.stop()
        super().closeEvent(e)

    def may_close(self) -> bool:
        """Save what is typed but not saved; never close over a conflict or over text that cannot be saved."""
        panel = getattr(self, "panel", None)
        if panel is None or self.session.store.readonly or self.session.store.review_copy is not None:
            return True
        panel.flush()
        if panel.conflict.conflict is not None:
            self.raise_()
            self.activateWindow()
            return False  # the conflict bar shows both values; the person chooses, then closes
        pending = panel.pending_edits()
        if pending:
            names = ", ".join(k.replace("_on", " date") for k in pending)
            return self.session.confirm(f"Your edit of the {names} could not be saved. Close anyway and lose it?")
        return True

    def shutdown(self) -> None:
        """Close the file (after the window is gone), deleting the widgets that read from it first."""
        self._backup_timer.stop()
        self._words_timer.stop()
        if self.search is not None:
            self.search.wait_for_idle()
        central = self.takeCentralWidget()
        if central is not None:
            shiboken6.Shiboken.delete(central)
        self.session.close()


def app_version() -> str:
    """The installed version of the policy-tracker distribution (About shows it)."""
    import importlib.metadata  # here: it costs tens of milliseconds at start-up, and only About needs it
    try:
        return importlib.metadata.version("policy-tracker")
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown: not installed as a package)"


class PanelScroll(QtWidgets.QScrollArea):
    """The item panel in a vertical scroll area: as narrow as the panel allows, as short as needed.

    The panel is sized here rather than by `widgetResizable`: for a layout with wrapped labels
    QScrollArea gives the widget its *preferred* height for the width, so the lists took their
    preferred heights and the status form went below the fold on a 768-pixel screen. Here the
    panel fills the view and is only as tall as its minimum for that width needs when the view
    is shorter. The field that takes the keyboard focus is scrolled into view, so Tab, Ctrl+3
    and mnemonics never leave the cursor in a field off screen.
    """

    def __init__(self, panel: QtWidgets.QWidget):
        super().__init__()
        self.setObjectName("panelScroll")
        self.setAccessibleName("Item panel")
        self.setWidget(panel)
        self.setWidgetResizable(False)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fitting = False
        panel.installEventFilter(self)
        self.viewport().installEventFilter(self)
        app = QtWidgets.QApplication.instance()
        if isinstance(app, QtWidgets.QApplication):
            app.focusChanged.connect(self._focus_changed)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt's name
        w = self.widget()
        bar = self.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        width = (w.minimumSizeHint().width() if w is not None else 0) + bar + 2 * self.frameWidth()
        return QtCore.QSize(width, 120)

    def needed_height(self, width: int) -> int:
        """The least height the panel's layout needs at `width` (wrapped labels included)."""
        w = self.widget()
        if w is None:
            return 0
        lay = w.layout()
        need = w.minimumSizeHint().height()
        if lay is not None and lay.hasHeightForWidth():
            need = max(need, lay.minimumHeightForWidth(width))
        return need

    def fit_panel(self) -> None:
        w = self.widget()
        if w is None or self._fitting:
            return
        self._fitting = True
        try:
            vp = self.viewport().size()
            width = max(vp.width(), w.minimumSizeHint().width())
            size = QtCore.QSize(width, max(vp.height(), self.needed_height(width)))
            if w.size() != size:
                w.resize(size)
        finally:
            self._fitting = False

    def eventFilter(self, obj: QtCore.QObject, e: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        if (obj is self.viewport() and e.type() == QtCore.QEvent.Type.Resize) or \
                (obj is self.widget() and e.type() == QtCore.QEvent.Type.LayoutRequest):
            self.fit_panel()
        return super().eventFilter(obj, e)

    def _focus_changed(self, _old, new) -> None:
        w = self.widget()
        if new is None or w is None or not shiboken6.Shiboken.isValid(self) or not w.isAncestorOf(new):
            return
        # the whole field, not only its text cursor (ensureWidgetVisible shows just the cursor of a text box)
        r = QtCore.QRect(new.mapTo(w, QtCore.QPoint(0, 0)), new.size())
        half = self.viewport().height() // 2
        self.ensureVisible(r.center().x(), r.center().y(), 8, min(r.height() // 2 + 8, half))


def status_line(text: str) -> QtWidgets.QLabel:  # pragma: no cover - kept for callers building status bars
    return plain_label(text, wrap=False)
