"""Themes (issue 12, part 7): every highlight keeps text readable (WCAG 4.5:1) and a theme switch repaints all."""
from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.ui.preferences import (
    MIN_CONTRAST,
    Preferences,
    contrast_ratio,
    dark_palette,
    light_palette,
    readable_tint,
    relative_luminance,
)

R = QtGui.QPalette.ColorRole
Qt = QtCore.Qt


@pytest.fixture(autouse=True)
def _back_to_light(qapp):
    """Leave the application in the light theme for the tests after these."""
    yield
    from app.ui.preferences import apply
    apply(Preferences(theme="light"))


def test_contrast_ratio_matches_wcag_reference_values():
    """Black on white is 21:1, a colour on itself 1:1, and #777 on white 4.48:1 (WCAG's worked figures)."""
    assert round(contrast_ratio(QtGui.QColor("#000"), QtGui.QColor("#fff")), 2) == 21.0
    assert contrast_ratio(QtGui.QColor("#3d7be0"), QtGui.QColor("#3d7be0")) == 1.0
    assert round(contrast_ratio(QtGui.QColor("#777777"), QtGui.QColor("#ffffff")), 2) == 4.48
    assert round(relative_luminance(QtGui.QColor("#ffffff")), 4) == 1.0


def test_readable_tint_backs_off_until_text_reads():
    """A tint too strong for the text over it is weakened until it reaches 4.5:1; a readable one is kept."""
    white, dark_base = QtGui.QColor("#e6e6e6"), QtGui.QColor("#1c1d20")
    pale = QtGui.QColor("#ffeb3b")
    t = readable_tint(pale, dark_base, white, 0.9)
    assert contrast_ratio(white, t) >= MIN_CONTRAST
    assert t != QtGui.QColor(pale)
    kept = readable_tint(QtGui.QColor("#1565c0"), QtGui.QColor("#ffffff"), QtGui.QColor("#000"), 0.35)
    assert kept.name() == "#adc9e9"


@pytest.mark.parametrize("palette", [light_palette, dark_palette])
def test_selection_colours_of_both_themes_read(palette):
    """Each theme's selection (Highlight/HighlightedText) and its plain text on the background pass 4.5:1."""
    p = palette()
    assert contrast_ratio(p.color(R.Highlight), p.color(R.HighlightedText)) >= MIN_CONTRAST
    assert contrast_ratio(p.color(R.Base), p.color(R.Text)) >= MIN_CONTRAST
    assert contrast_ratio(p.color(R.Base), p.color(R.Link)) >= MIN_CONTRAST


def _formats(reader) -> list[tuple[str, str]]:
    """(foreground, background) of every mark painted in the reader's text, in order."""
    out = []
    for sel in reader.text_view.extraSelections():
        fg = sel.format.foreground().color()
        bg = sel.format.background().color()
        out.append((fg.name(), bg.name()))
    return out


def _show_marks(window, gdp_id, qtbot):
    """The GDP target's passage flashing, with a find running, so all three kinds of mark are painted."""
    window.reader.flash_ms = 60_000
    cid = window.session.store.citations_for_item(gdp_id)[0]["id"]
    assert window.open_citation(cid)
    window.reader.open_find_bar()
    assert window.reader.find("digital") == 33
    window.reader._mark_visible_matches()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_reader_mark_is_readable(window, gdp_id, qtbot, theme):
    """Cited passages, find matches and the flash all keep text at 4.5:1 or more over their colour."""
    window.set_preferences(Preferences(analyst="Test Analyst", theme=theme))
    _show_marks(window, gdp_id, qtbot)
    marks = _formats(window.reader)
    n_cited = len(window.reader.highlight_ranges())
    assert n_cited == 28
    assert len(marks) == n_cited + len(window.reader._find_selections) + 1
    for fg, bg in marks:
        assert contrast_ratio(QtGui.QColor(fg), QtGui.QColor(bg)) >= MIN_CONTRAST, (theme, fg, bg)
    text = QtWidgets.QApplication.palette().color(R.Text).name()
    assert {fg for fg, _ in marks[:n_cited]} == {text}  # passages use the theme's text colour


def test_dark_marks_are_deep_not_pale(window, gdp_id, qtbot):
    """In dark mode the passages' colours are darker than mid-grey, so the light text stays readable."""
    window.set_preferences(Preferences(analyst="Test Analyst", theme="dark"))
    _show_marks(window, gdp_id, qtbot)
    backgrounds = {bg for _, bg in _formats(window.reader)}
    assert max(relative_luminance(QtGui.QColor(b)) for b in backgrounds) < 0.18


def test_switching_back_leaves_no_dark_colour_behind(window, gdp_id, qtbot):
    """Light, then dark, then light again paints exactly what light painted first, in reader and lists."""
    window.set_preferences(Preferences(analyst="Test Analyst", theme="light"))
    _show_marks(window, gdp_id, qtbot)
    window.notice.show_notice("info", "Another program changed 2 items.")
    widgets = (window.table, window.panel.history.view, window.reader.text_view, window.navigator,
               window.notice, window.filter_bar, window.panel)

    def colours():
        return [tuple(w.palette().color(role).name() for role in (R.Base, R.Text, R.Window, R.Highlight))
                for w in widgets]

    first, first_colours = _formats(window.reader), colours()
    window.set_preferences(Preferences(analyst="Test Analyst", theme="dark"))
    dark = _formats(window.reader)
    assert dark != first and len(dark) == len(first)
    assert colours() != first_colours
    window.set_preferences(Preferences(analyst="Test Analyst", theme="light"))
    assert _formats(window.reader) == first
    assert colours() == first_colours
    assert window.table.palette().color(R.Base).name() == light_palette().color(R.Base).name()


def test_observation_links_take_the_new_themes_link_colour(window, gdp_id):
    """An observation note's link is recoloured when the theme changes (the tab reloads on the palette change)."""
    from app.ui import commands as cmds
    window.go_to_item(gdp_id)
    assert window.session.push(cmds.AddObservation(window.session, gdp_id, "9", "2025-04-01",
                                                   "figures at https://example.org/gdp"))
    tab = window.panel.target
    row = next(i for i, o in enumerate(tab.obs_rows) if o["observed_on"] == "2025-04-01")
    window.set_preferences(Preferences(analyst="Test Analyst", theme="dark"))
    assert tab.obs_list.topLevelItem(row).foreground(2).color().name() == dark_palette().color(R.Link).name()
    window.set_preferences(Preferences(analyst="Test Analyst", theme="light"))
    assert tab.obs_list.topLevelItem(row).foreground(2).color().name() == light_palette().color(R.Link).name()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_overdue_date_is_readable_on_every_row(window, almaty_id, qtbot, theme):
    """The red of an overdue date keeps 4.5:1 over the table's rows and alternate rows (it was ~3:1 in dark)."""
    from app.ui import commands as cmds
    window.set_preferences(Preferences(analyst="Test Analyst", theme=theme))
    assert window.session.push(cmds.EditItemFields(window.session, almaty_id, {"due_on": "2020-01-01"}))
    items = window.table.items
    overdue = items.index_of(almaty_id, items.column_of("due_on"))
    assert overdue.data() == "2020-01-01"
    red = overdue.data(Qt.ItemDataRole.ForegroundRole)
    p = QtWidgets.QApplication.palette()
    assert red.name() == {"light": "#c62828", "dark": "#ff8a80"}[theme]
    for role in (R.Base, R.AlternateBase):
        assert contrast_ratio(red, p.color(role)) >= MIN_CONTRAST, (theme, role)


@pytest.mark.parametrize("palette", [light_palette, dark_palette])
def test_disabled_controls_look_disabled(palette):
    """A disabled button's text differs from an enabled one's in both themes (light had the same colour)."""
    p = palette()
    G = QtGui.QPalette.ColorGroup
    for role in (R.Text, R.ButtonText, R.WindowText):
        assert p.color(G.Disabled, role) != p.color(G.Active, role), role
