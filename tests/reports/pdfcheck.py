"""Reading a Qt-written PDF back: its text (pdftotext), its fonts (pdffonts) and the glyphs it draws.

Qt's PDF engine embeds a subset of each font with glyph 0 (.notdef, the empty box) kept as 0, and
shows text as `<gggg> Tj` runs of 2-byte glyph ids in Flate-compressed content streams. A letter the
chosen font lacks is drawn as glyph 0: counting `0000` ids counts the boxes a reader would see.
"""
from __future__ import annotations

import re
import subprocess
import unicodedata
import zlib
from pathlib import Path

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj")


def pdf_text(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(path: Path) -> list[str]:
    """Base names of the fonts in the PDF, subset prefix removed (e.g. 'NotoSansArabic-Bold')."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return sorted({line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()})


def missing_glyphs(path: Path) -> dict[str, int]:
    """{font resource: glyphs drawn as .notdef (boxes)} over every content stream of the PDF."""
    found: dict[str, int] = {}
    for m in _STREAM.finditer(Path(path).read_bytes()):
        try:
            data = zlib.decompress(m.group(1))
        except zlib.error:
            continue  # an image or font program, not a content stream
        font = "?"
        for tok in _TOKEN.finditer(data):
            if tok.group(1):
                font = tok.group(1).decode()
                continue
            ids = tok.group(2)
            boxes = sum(1 for i in range(0, len(ids), 4) if ids[i:i + 4] == b"0000")
            if boxes:
                found[font] = found.get(font, 0) + boxes
    return found


def persian_words(text: str) -> list[str]:
    """The words of text as pdftotext gives them back, comparable: see `normal`."""
    return [normal(w) for w in text.split() if normal(w)]


def normal(text: str) -> str:
    """NFKC (presentation forms and lam-alef ligatures back to letters), without ZWNJ, tatweel or marks.

    pdftotext writes Arabic-script text as the shaped presentation forms it finds in the font's
    ToUnicode map, in visual order; NFKC gives back the letters. A ZWNJ (U+200C) draws nothing, so
    it is not in the PDF to read back: it is removed from both sides, as is the kashida.
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch not in "\u200c\u0640\u200f\u200e\u202a\u202b\u202c"
                   and not unicodedata.category(ch).startswith("M")).strip("«»“”\"'()[].,:;")
