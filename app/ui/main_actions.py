"""The main window's actions and menus, in one table: every command, its key and its menu place.

Keys are bound here and only here, so a clash (Qt fires neither of two actions sharing a key) or
a mnemonic taken twice shows in one read. Slots are the window's own methods (its File menu's
come from app.ui.file_ops.FileMenu); this module never imports the window.
"""
from __future__ import annotations

from typing import Any

from PySide6 import QtGui, QtWidgets


def action(win: QtWidgets.QWidget, text: str, slot, shortcut=None, name: str | None = None,
           tip: str | None = None) -> QtGui.QAction:
    """One window action; `shortcut` is a key sequence, a standard key, or a list of them."""
    a = QtGui.QAction(text, win)
    if shortcut is not None:
        if isinstance(shortcut, (list, tuple)):
            a.setShortcuts([QtGui.QKeySequence(s) for s in shortcut])
        else:
            a.setShortcut(QtGui.QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
    a.triggered.connect(lambda _checked=False: slot())
    if name:
        a.setObjectName(name)
    return a


def _open_sheet_import(win: Any) -> None:
    from .sheet_import import open_sheet_import  # here: it brings the sheet readers, not needed at start-up
    open_sheet_import(win)


def build_actions(win: Any) -> None:
    """Create the window's `act_*` actions (the undo/redo pair from its QUndoGroup)."""
    K = QtGui.QKeySequence.StandardKey
    win.act_new_db = action(win, "&New Database…", win.new_database, K.New, "newDatabase")
    win.act_open = action(win, "&Open…", win.open_database, K.Open, "openDatabase")
    win.act_save_copy = action(win, "Save a &Copy…", win.save_copy, K.SaveAs, "saveCopy",
                               "Write a consistent snapshot of this file somewhere else")
    win.act_restore = action(win, "Restore from &Backup…", win.restore_from_backup, None, "restoreBackup",
                             "Replace this file's content with one of its automatic backups")
    win.act_add_source = action(win, "Add &Source Document…", win.add_source_document, "Ctrl+Shift+O",
                                "addSource")
    win.act_import_json = action(win, "Import &JSON…", lambda: win.import_dialog("json"), None, "importJson")
    win.act_import_csv = action(win, "Import CS&V…", lambda: win.import_dialog("csv"), None, "importCsv")
    win.act_import_sheet = action(win, "&Import Spreadsheet…", lambda: _open_sheet_import(win), None, "importSheet",
                                  "Import the rows of a CSV or XLSX sheet into one framework")
    win.act_export_json = action(win, "Export JS&ON…", lambda: win.export_dialog("json"), None, "exportJson")
    win.act_export_csv = action(win, "Export CSV…", lambda: win.export_dialog("csv"), None, "exportCsv")
    win.act_preview = action(win, "Print Pre&view…", win.print_preview, None, "preview")
    win.act_print = action(win, "&Print…", win.print_report, K.Print, "print")
    win.act_report_pdf = action(win, "Export Report as P&DF…", lambda: win.export_report("pdf"),
                                None, "reportPdf")
    win.act_report_html = action(win, "Export Report as &HTML…",
                                 lambda: win.export_report("html"), None, "reportHtml")
    win.act_report_docx = action(win, "Export Report as &Word…", lambda: win.export_report("docx"), None,
                                 "reportDocx")
    win.act_report_xlsx = action(win, "Export Report as E&xcel…", lambda: win.export_report("xlsx"), None,
                                 "reportXlsx")
    win.act_prefs = action(win, "Pre&ferences…", win.edit_preferences, K.Preferences, "preferences")
    win.act_prefs.setMenuRole(QtGui.QAction.MenuRole.PreferencesRole)
    win.act_quit = action(win, "&Quit", win.close, "Ctrl+Q", "quit")  # StandardKey.Quit is unbound on some platforms
    win.act_quit.setMenuRole(QtGui.QAction.MenuRole.QuitRole)

    win.act_undo = win.undo_group.createUndoAction(win, "&Undo")
    win.act_undo.setShortcut(K.Undo)
    win.act_undo.setObjectName("undo")
    win.act_redo = win.undo_group.createRedoAction(win, "&Redo")
    # exactly these two (X11's standard Redo is Ctrl+Shift+Z already: listing it twice made it ambiguous)
    win.act_redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
    win.act_redo.setObjectName("redo")
    win.act_new_item = action(win, "New &Item…", win.new_item, "Ctrl+Shift+N", "newItem")
    win.act_delete = action(win, "&Delete Items…", lambda: win.table.delete_selected(), "Ctrl+Delete", "deleteItem",
                            "Delete the selected items (asking what becomes of their sub-items)")
    # several items at once, and moving them (the table's Ctrl+X / Ctrl+V are its own keys)
    win.act_bulk_status = action(win, "S&et Status of Selected…", lambda: win.table.set_status_selected(), None,
                                 "bulkStatus", "One dated status update, with one note, for every selected item")
    win.act_add_tags = action(win, "&Add Tags to Selected…", lambda: win.table.change_tags_selected(True), None,
                              "addTags")
    win.act_remove_tags = action(win, "Remove &Tags from Selected…", lambda: win.table.change_tags_selected(False),
                                 None, "removeTags")
    win.act_move_fw = action(win, "&Move Selected to Framework…", lambda: win.table.move_selected_to_framework(),
                             None, "moveToFramework")
    win.act_cut_items = action(win, "&Cut Items (Ctrl+X in the table)", lambda: win.table.cut_selected(), None,
                               "cutItems")
    win.act_paste_items = action(win, "&Paste Items Under Current (Ctrl+V)", lambda: win.table.paste_under_current(),
                                 None, "pasteItems")
    win.act_paste_top = action(win, "Paste Items at Top &Level (Ctrl+Shift+V)", lambda: win.table.paste_at_top(),
                               None, "pasteItemsTop")
    win.act_expand_all = action(win, "E&xpand All Items", lambda: win.table.expandAll(), None, "expandAll")
    win.act_collapse_all = action(win, "C&ollapse All Items", lambda: win.table.collapseAll(), None, "collapseAll")
    # frameworks (the navigator's context menu has the same four)
    win.act_new_framework = action(win, "&New Framework…", lambda: win.navigator.new_framework(), None,
                                   "newFramework")
    win.act_rename_framework = action(win, "&Rename Framework…", lambda: win.navigator.rename_framework(), None,
                                      "renameFramework")
    win.act_describe_framework = action(win, "Edit &Description…", lambda: win.navigator.describe_framework(), None,
                                        "describeFramework")
    win.act_delete_framework = action(win, "De&lete Framework…", lambda: win.navigator.delete_framework(), None,
                                      "deleteFramework")
    win.act_search = action(win, "&Search…", win.focus_search, ["Ctrl+F", "Ctrl+K"], "search",
                            "Search items, status notes and source texts")
    win.act_clear_filters = action(win, "&Clear Filters", win.clear_filters, "Ctrl+Shift+L", "clearFilters")
    win.act_focus_nav = action(win, "Go to &Frameworks", lambda: win.navigator.setFocus(), "Ctrl+1", "focusNav")
    win.act_focus_table = action(win, "Go to &Items", lambda: (win.close_welcome(), win.show_view("items"),
                                                               win.table.setFocus()), "Ctrl+2", "focusTable")
    win.act_focus_panel = action(win, "Go to Item &Panel", lambda: win.panel.edits["title"].setFocus(),
                                 "Ctrl+3", "focusPanel")
    win.act_focus_reader = action(win, "Go to &Reader", win.focus_reader, "Ctrl+4", "focusReader")
    win.act_show_dashboard = action(win, "&Dashboard", lambda: win.show_view("dashboard"), "Ctrl+5",
                                    "showDashboard", "Counts by status, overdue and quiet items, recent changes")
    win.act_show_crosswalk = action(win, "Cross&walk", lambda: win.show_view("crosswalk"), "Ctrl+6",
                                    "showCrosswalk", "One framework's items against another's, with their links")
    win.act_about = action(win, "&About Policy Tracker", win.about, None, "about")
    # review (app/ui/review_mode.py): the copy a reviewer takes away, and the decisions it brings back
    from . import review_mode
    win.act_export_review = action(win, "&Export for Review…", lambda: review_mode.export_for_review(win), None,
                                   "exportReview", "Write a review copy of some frameworks for a reviewer to take away")
    win.act_import_review = action(win, "I&mport Review…", lambda: review_mode.import_review(win), None,
                                   "importReview", "Merge the decisions made in a review copy into this file")
    win.act_approve = action(win, "Appro&ve Entry", lambda: review_mode.decide(win, "approved"), "Ctrl+Alt+A",
                             "approveEntry", "Approve the entry selected in the review panel")
    win.act_return = action(win, "Return Entry &with Comment…", lambda: review_mode.decide(win, "returned"),
                            "Ctrl+Alt+R", "returnEntry", "Return the chosen entry, with a comment")
    win.act_review_panel = action(win, "Re&view Panel", lambda: review_mode.toggle_panel(win), "Ctrl+7",
                                  "reviewPanel", "Show or hide the review panel")


def build_menus(win: Any) -> None:
    """Fill the window's menu bar with its actions; `win.recent_menu` is the Open Recent menu."""
    mb = win.menuBar()
    f = mb.addMenu("&File")
    f.addActions([win.act_new_db, win.act_open])
    win.recent_menu = f.addMenu("Open &Recent")
    win.recent_menu.aboutToShow.connect(win._fill_recent)
    f.addAction(win.act_save_copy)
    f.addAction(win.act_restore)
    f.addSeparator()
    f.addAction(win.act_add_source)
    f.addSeparator()
    f.addActions([win.act_import_sheet, win.act_import_json, win.act_import_csv, win.act_export_json,
                  win.act_export_csv])
    f.addSeparator()
    f.addActions([win.act_export_review, win.act_import_review])
    f.addSeparator()
    f.addActions([win.act_preview, win.act_print, win.act_report_pdf, win.act_report_html, win.act_report_docx,
                  win.act_report_xlsx])
    f.addSeparator()
    f.addAction(win.act_prefs)
    f.addSeparator()
    f.addAction(win.act_quit)
    e = mb.addMenu("&Edit")
    e.addActions([win.act_undo, win.act_redo])
    e.addSeparator()
    e.addActions([win.act_new_item, win.act_delete])
    e.addSeparator()
    e.addActions([win.act_bulk_status, win.act_add_tags, win.act_remove_tags, win.act_move_fw])
    e.addSeparator()
    e.addActions([win.act_cut_items, win.act_paste_items, win.act_paste_top])
    e.addSeparator()
    e.addActions([win.act_approve, win.act_return])
    e.addSeparator()
    e.addAction(win.act_search)
    fw = mb.addMenu("Fra&mework")  # Alt+M: a letter no menu or panel label uses
    fw.addActions([win.act_new_framework, win.act_rename_framework, win.act_describe_framework,
                   win.act_delete_framework])
    v = mb.addMenu("&View")
    v.addAction(win.act_clear_filters)
    v.addActions([win.act_expand_all, win.act_collapse_all])
    v.addSeparator()
    v.addActions([win.act_show_dashboard, win.act_show_crosswalk])
    v.addSeparator()
    v.addActions([win.act_focus_nav, win.act_focus_table, win.act_focus_panel, win.act_focus_reader,
                  win.act_review_panel])
    h = mb.addMenu("&Help")
    h.addAction(win.act_about)
