"""The bundled fonts (resources/fonts/) and the family lists that make Qt fall back per script.

Noto Sans draws Latin (regular, bold, italic); Noto Sans Arabic draws Persian and Arabic (regular
and bold). Every font the report, the printer or the window asks for is a *list*: the Latin face
first, the Arabic face after it, so a Persian letter that Noto Sans lacks is taken from Noto Sans
Arabic instead of whatever the machine happens to have (DejaVu's italic and serif faces have no
Arabic script at all and print boxes). Italic asked for Persian finds no italic Arabic face: Qt
then uses the upright Arabic face (slanted synthetically by the font engine), never a font
without the glyphs.

`register()` adds the files once per process; `install_app_fonts(app)` gives the window the same
fallback.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..paths import resource

if TYPE_CHECKING:  # Qt is imported only where a font is made: the HTML export stays free of Qt
    from PySide6.QtGui import QFont, QGuiApplication

LATIN = "Noto Sans"
ARABIC = "Noto Sans Arabic"
FAMILIES = [LATIN, ARABIC]
FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
         "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")

_registered: list[str] | None = None


ARABIC_FILES = ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")
_ids: dict[str, int] = {}  # file name -> Qt's id for it, once added


def _add(name: str) -> int:
    from PySide6.QtGui import QFontDatabase
    if name not in _ids:
        if not _ids:
            _pin_app_font()
        _ids[name] = QFontDatabase.addApplicationFont(str(resource("fonts", name)))
    return _ids[name]


def _pin_app_font() -> None:
    """Name the window's font by the face it resolves to now, before our faces join the database.

    Where the platform gives only a generic family ("Sans Serif", as offscreen and bare X11 do),
    fontconfig would otherwise resolve it to Noto Sans once that is registered: the whole window
    would change its face and grow taller the first time a report is drawn.
    """
    from PySide6.QtGui import QFontInfo, QGuiApplication
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    f = app.font()
    resolved = QFontInfo(f).family()
    fams = [x for x in (f.families() or [f.family()]) if x]
    if resolved and fams[:1] != [resolved]:
        f.setFamilies([resolved] + [x for x in fams if x != resolved])
        app.setFont(f)


def register_arabic() -> None:
    """Add only the Arabic-script faces (once): all the window needs at start-up, its Latin being
    the platform's own font; the Latin faces follow when a report is drawn (`register`)."""
    for name in ARABIC_FILES:
        _add(name)


def register() -> list[str]:
    """Add the bundled fonts to Qt's font database (once); returns the families now available.

    Needs a QGuiApplication. A missing or unreadable file is skipped: Qt's own fallback then
    still draws something, and `missing()` names what is absent for tests and diagnostics.
    """
    global _registered
    if _registered is None:
        from PySide6.QtGui import QFontDatabase
        families: list[str] = []
        for name in FILES:
            fid = _add(name)
            if fid >= 0:
                families += [f for f in QFontDatabase.applicationFontFamilies(fid) if f not in families]
        _registered = families
    return list(_registered)


def missing() -> list[str]:
    """Families of FAMILIES that could not be registered (empty when the bundle is whole)."""
    have = set(register())
    return [f for f in FAMILIES if f not in have]


def css_families() -> str:
    """The family list as CSS (for the print HTML that QTextDocument reads)."""
    return ", ".join(f'"{f}"' for f in FAMILIES)


def font(pixel_size: float | None = None, *, bold: bool = False, italic: bool = False) -> "QFont":
    """A QFont over the bundled family list (Latin face, then the Arabic face)."""
    from PySide6.QtGui import QFont
    register()
    f = QFont()
    f.setFamilies(FAMILIES)
    if pixel_size is not None:
        f.setPixelSize(round(pixel_size))
    f.setBold(bold)
    f.setItalic(italic)
    return f


def install_app_fonts(app: "QGuiApplication") -> None:
    """Give the whole window the bundled fallback: the platform's UI font first, then ours.

    The user's own UI font keeps drawing what it can (its size and look are theirs); Persian and
    Arabic letters it lacks, in any style, come from Noto Sans Arabic rather than boxes.
    Only the Arabic faces are added now (start-up time); Noto Sans follows with the first report.
    """
    register_arabic()
    f = app.font()
    fams = [x for x in (f.families() or [f.family()]) if x]
    for extra in (ARABIC, LATIN):
        if extra not in fams:
            fams.append(extra)
    f.setFamilies(fams)
    app.setFont(f)
