"""PDF with pypdfium2 (Apache-2.0 / BSD-3-Clause): the text layer, page by page, in reading order.

pdfium gives each page's text as lines. Lines become paragraphs by their layout: a paragraph ends
where the gap to the next line is larger than the page's usual line spacing, where a line stops
well short of the column's edge, or where the next line is indented.

Right-to-left text needs repairs, each one checked against the characters' boxes on the page:
- Arabic presentation forms (what many PDF producers map glyphs to) go back to letters (NFKC,
  applied to those characters only);
- a line whose Arabic letters run left to right in the text (visual order) is reversed, then its
  left-to-right runs (digits, Latin words) are turned back;
- a ligature glyph (lam-alef above all) is one box holding two letters, which pdfium reverses
  with the line: "ال" from one box is put back as "لا";
- a zero-width non-joiner has no glyph, so pdfium loses it: a letter that joins the next one
  but stands apart from it on the page (a gap between the boxes) had one, and gets it back;
- punctuation that pdfium leaves at the start of a right-to-left line (".است") goes to its end.
"""
from __future__ import annotations

import ctypes
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from ...core.model import ValidationError
from ._common import MAX_PAGES, join, paragraph

MEDIA_TYPE = "application/pdf"
ZWNJ = "\u200c"
# letters that join the letter after them (dual-joining); the others (ا د ذ ر ز ژ و ...) never do
_JOINS_NEXT = set("بپتثجچحخسشصضطظعغفقکگلمنهیيكئـ")
_ALEFS = set("اآأإ")
_LEADING_PUNCT = re.compile(r"^([.،؛:!؟?»)\]]+)\s*(?=[\u0600-\u06ff])")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_PAGE_NUMBER = re.compile(r"[-–—\s]*[0-9۰-۹٠-٩]{1,4}[-–—\s]*")
_CONTROLS = re.compile(r"[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff"


_LETTERS = frozenset(chr(c) for c in (*range(0x600, 0x700), *range(0x750, 0x780), *range(0x8A0, 0x900))
                     if unicodedata.category(chr(c)) in ("Lo", "Lm"))


def is_arabic_letter(ch: str) -> bool:
    return ch in _LETTERS


def unpresent(text: str) -> str:
    """Arabic presentation forms (U+FB50..U+FDFF, U+FE70..U+FEFE) back to letters; nothing else changes."""
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


class Box(NamedTuple):
    """A character's box on the page, in points: pdfium gives the letters of one glyph the very same box."""
    left: float
    right: float
    bottom: float
    top: float


def read(data: bytes, name: str) -> tuple[str, list[tuple[int, int, int]], str | None]:
    import pypdfium2 as pdfium  # loaded only when a PDF is read
    if b"%PDF-" not in data[:1024]:
        raise ValidationError(f"{name} is not a PDF file (it does not start with %PDF).")
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(f"{name} is cut short: the PDF has no end-of-file marker, so it is incomplete "
                              f"or damaged.")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower() or getattr(e, "err_code", None) in (4, 5):
            raise ValidationError(f"{name} is encrypted (password-protected); save a copy without a password "
                                  f"and add that.") from None
        why = str(e).rsplit("PDFium:", 1)[-1].strip(" ).").lower() or "unknown error"
        raise ValidationError(f"{name} is a damaged PDF that cannot be read ({why}).") from None
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise ValidationError(f"{name} has {n:,} pages; a PDF may have at most {MAX_PAGES:,}.")
        if n == 0:
            raise ValidationError(f"{name} has no pages.")
        title = (doc.get_metadata_value("Title") or "").strip() or None
        texts = []
        for i in range(n):
            try:
                page = doc[i]
                tp = page.get_textpage()
            except pdfium.PdfiumError:
                raise ValidationError(f"{name} is a damaged PDF: its page {i + 1} cannot be read.") from None
            try:
                texts.append(join(page_paragraphs(tp)))
            finally:
                tp.close()
                page.close()
    finally:
        doc.close()
    if not any(t.strip() for t in texts):
        raise ValidationError(f"{name} has no text layer (it is a scanned image); make it searchable with OCR "
                              f"first, then add it.")
    out: list[str] = []
    pages: list[tuple[int, int, int]] = []
    pos = 0
    for i, t in enumerate(texts, start=1):
        if t:
            if out:
                pos += 2
            pages.append((i, pos, pos + len(t)))
            out.append(t)
            pos += len(t)
        else:
            pages.append((i, pos, pos))
    return "\n\n".join(out), pages, title


# -- one page ------------------------------------------------------------------------------------------------
@dataclass
class Line:
    text: str
    boxes: list[Box] | None  # one per character of text, when pdfium's indices line up with it
    rtl: bool
    baseline: float = 0.0
    left: float = 0.0
    right: float = 0.0
    height: float = 0.0


def page_paragraphs(tp) -> list[str]:
    """The paragraphs of one page's text page, right-to-left lines repaired."""
    raw = tp.get_text_range()
    n = tp.count_chars()
    aligned = len(raw) == n  # characters beyond U+FFFF make pdfium's indices and Python's differ
    lines: list[Line] = []
    pos = 0
    glued = False
    for chunk in raw.split("\r\n"):
        start, pos = pos, pos + len(chunk) + 2
        text = chunk.rstrip()
        if not text.strip():
            continue
        rtl = _first_strong_rtl(text)
        if not aligned:
            lines.append(Line(text, None, rtl))
            continue
        if not rtl:
            got = _boxes(tp, (start, start + len(text) - 1))
            lines.append(_line(tp, text, None, got, start, False))
            continue
        got = _boxes(tp, range(start, start + len(text)))
        pieces = _unglue(text, got)
        glued = glued or len(pieces) > 1
        for a, b in pieces:
            lines.append(_line(tp, text[a:b], got[a:b], got[a:b], start + a, True))
    if glued:  # pdfium ran two lines together: put every line back in its place, top to bottom
        lines.sort(key=lambda ln: -ln.baseline)
    for k in (-1, 0):  # a page number alone at the foot or head of the page is not the document's text
        if lines and _PAGE_NUMBER.fullmatch(lines[k].text.strip()):
            lines.pop(k)
    for ln in lines:
        ln.text = repair(ln.text, ln.boxes) if ln.rtl else ln.text
        ln.text = _CONTROLS.sub("", unpresent(ln.text.replace("\x02", "-").replace("\ufffe", "-")))
    return _paragraphs(lines)


def _line(tp, text: str, boxes: list[Box] | None, got: list[Box], start: int, rtl: bool) -> Line:
    ends = [b for b in got if b.right > b.left]
    if not ends:
        return Line(text, boxes, rtl)
    return Line(text, boxes, rtl, baseline=_baseline(tp, start), left=min(b.left for b in ends),
                right=max(b.right for b in ends), height=max(b.top - b.bottom for b in ends))


def _unglue(text: str, boxes: list[Box]) -> list[tuple[int, int]]:
    """(start, end) of the lines one pdfium line holds: it can run on into a line above or below
    (the PDF drew them in that order) without a break. A letter whose box lies wholly above or
    below the previous letter's starts another line (marks such as harakat are not letters)."""
    cuts = [0]
    prev: Box | None = None
    for i, b in enumerate(boxes):
        if text[i] not in _LETTERS or b.right <= b.left or b.top <= b.bottom:
            continue
        if prev is not None and (b.top < prev.bottom or b.bottom > prev.top):
            cuts.append(i)
        prev = b
    cuts.append(len(boxes))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _first_strong_rtl(text: str) -> bool:
    for ch in text:
        b = unicodedata.bidirectional(ch)
        if b in ("R", "AL"):
            return True
        if b == "L":
            return False
    return False


_FAST: list = []


def _char_box_function():
    """FPDFText_GetCharBox without ctypes' argument conversion (half the cost of a call), if it can be had."""
    if not _FAST:
        import pypdfium2.raw as raw
        try:
            import pypdfium2_raw.bindings as bindings  # type: ignore[import-untyped]  # what pypdfium2 loaded
            fn = ctypes.CDLL(bindings._libs["pdfium"]._name).FPDFText_GetCharBox
            fn.restype = ctypes.c_int
            _FAST.append((fn, True))
        except (ImportError, AttributeError, KeyError, OSError):  # another build of pypdfium2: the plain binding
            _FAST.append((raw.FPDFText_GetCharBox, False))
    return _FAST[0]


def _boxes(tp, indices) -> list[Box]:
    """The boxes of characters of a text page (one pdfium call each, the doubles reused)."""
    get, bare = _char_box_function()
    page = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value) if bare else tp.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(x) for x in (left, right, bottom, top)]
    out = []
    for i in indices:
        get(page, i, *refs)
        out.append(Box(left.value, right.value, bottom.value, top.value))
    return out


def _baseline(tp, i: int) -> float:
    import pypdfium2.raw as raw
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)
    return y.value


def _paragraphs(lines: list[Line]) -> list[str]:
    placed = [ln for ln in lines if ln.height > 0]
    pitches = [a.baseline - b.baseline for a, b in zip(placed, placed[1:], strict=False) if a.baseline > b.baseline]
    # the usual line spacing: the lower quartile of the steps between lines (most steps of a page
    # of short paragraphs are paragraph gaps, so their median is not the line spacing)
    pitch = sorted(pitches)[len(pitches) // 4] if pitches else 0.0
    col_left = min((ln.left for ln in placed), default=0.0)
    col_right = max((ln.right for ln in placed), default=0.0)
    width = col_right - col_left
    paras: list[list[str]] = []
    prev: Line | None = None
    for ln in lines:
        if prev is None or _breaks(prev, ln, pitch, col_left, col_right, width):
            paras.append([])
        paras[-1].append(ln.text)
        prev = ln
    return [_join_lines(p) for p in paras]


def _breaks(a: Line, b: Line, pitch: float, col_left: float, col_right: float, width: float) -> bool:
    if not (a.height and b.height and pitch and width):
        return False
    gap = a.baseline - b.baseline
    if gap <= 0 or gap > pitch * 1.3:  # a new column, or space between paragraphs
        return True
    em = max(a.height, b.height)
    if a.right - a.left < 0.7 * width and not a.text.rstrip().endswith("-"):
        return True  # a line that stops well short of the column's far edge ends its paragraph
    if b.right - b.left < 0.5 * width:  # an indent is told by a long line that starts further in
        return False
    if b.rtl:
        return b.right < col_right - 2 * em
    return b.left > col_left + 2 * em


def _join_lines(lines: list[str]) -> str:
    out = lines[0].rstrip()
    for ln in lines[1:]:
        out = out + ln.strip() if out.endswith("-") and out[-2:-1].isalpha() and ln[:1].islower() \
            else out + " " + ln.strip()
    return paragraph(out)


# -- right-to-left repairs -------------------------------------------------------------------------------
def repair(text: str, boxes: list[Box] | None) -> str:
    """One right-to-left line in logical order: see the module's notes. boxes: one per character, or None."""
    if boxes is not None and len(boxes) == len(text):
        chars = list(text)
        if _visual_order(chars, boxes):
            chars, boxes = _from_visual(chars, boxes)
        chars = _unreverse_ligatures(chars, boxes)
        text = _restore_zwnj(chars, boxes)
    m = _LEADING_PUNCT.match(text)
    return text[m.end():].rstrip() + m.group(1) if m else text


def _visual_order(chars: list[str], boxes: list[Box]) -> bool:
    forward = backward = 0
    for i in range(len(chars) - 1):
        if forward + backward >= 24:  # enough letters to tell
            break
        if chars[i] in _LETTERS and chars[i + 1] in _LETTERS and boxes[i] != boxes[i + 1]:
            a = (boxes[i].left + boxes[i].right) / 2
            b = (boxes[i + 1].left + boxes[i + 1].right) / 2
            if b > a:
                forward += 1
            elif b < a:
                backward += 1
    return forward > backward


def _from_visual(chars: list[str], boxes: list[Box]) -> tuple[list[str], list[Box]]:
    """Reverse a visually ordered line, then turn its left-to-right runs back the right way round."""
    pairs = list(zip(chars, boxes, strict=True))[::-1]
    out: list[tuple[str, Box]] = []
    run: list[tuple[str, Box]] = []
    for ch, bx in pairs:
        kind = unicodedata.bidirectional(ch)
        if kind in ("L", "EN", "AN") or (run and kind in ("CS", "ES", "ET")):
            run.append((ch, bx))
            continue
        if run:
            tail = []
            while run and unicodedata.bidirectional(run[-1][0]) in ("CS", "ES", "ET"):
                tail.append(run.pop())
            out.extend(run[::-1])
            out.extend(tail)
            run = []
        out.append((ch, bx))
    out.extend(run[::-1])
    return [c for c, _ in out], [b for _, b in out]


def _unreverse_ligatures(chars: list[str], boxes: list[Box]) -> list[str]:
    """Letters that share one box came from one glyph (a ligature). Some producers' PDFs come out
    of pdfium with them reversed ("ال" for lam-alef), others not: a group is reversed only when
    its first letter cannot join the next one (alef never does), so it cannot be in reading order."""
    out = list(chars)
    n = len(chars)
    i = 0
    while i < n - 1:
        if boxes[i + 1] != boxes[i] or chars[i] not in _LETTERS or boxes[i][1] <= boxes[i][0]:
            i += 1
            continue
        j = i + 1
        while j < n and chars[j] in _LETTERS and boxes[j] == boxes[i]:
            j += 1
        if chars[i] not in _JOINS_NEXT:
            out[i:j] = chars[i:j][::-1]
        i = j
    return out


def _restore_zwnj(chars: list[str], boxes: list[Box]) -> str:
    out = []
    last = len(chars) - 1
    for i, ch in enumerate(chars):
        out.append(ch)
        if i < last and ch in _JOINS_NEXT and chars[i + 1] in _LETTERS:
            a, b = boxes[i], boxes[i + 1]
            if a != b and a[0] - b[1] > max(0.4, 0.04 * max(a[3] - a[2], b[3] - b[2])):
                out.append(ZWNJ)  # a joining letter apart from the next one on the page: it ended at a ZWNJ
    return "".join(out)
