"""Sources as they arrive: PDF, Word, ODT and saved web pages made by other programs, read into canonical text."""
from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pytest

from app.core.model import ValidationError
from app.exchange import extract as ex
from app.exchange.extract import pdf as pdfmod

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
CHROME = ["Accept all cookies", "We use cookies", "Manage preferences", "Share on Facebook", "Share on X",
          "Copy link", "Advertisement", "Related news", "Iran and Oman sign a memorandum on satellite links",
          "Subscribe to our newsletter", "All rights reserved", "About us", "Contact us", "Privacy policy",
          "Economy", "Sports", "Most viewed", "Follow us on Telegram", "Login", "Print this page"]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


def in_order(document: str, text: str) -> float:
    """The share of the document's words that the text holds in the same order."""
    a, b = words(document), words(text)
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / len(a)


def expected(name: str) -> list[str]:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and re.search(r"[.!?] [A-Z]", message) is None


@pytest.mark.parametrize("file, words_of", [("english.pdf", "english"), ("persian.pdf", "persian"),
                                            ("qt-persian.pdf", "persian"),
                                            ("report.docx", "report"), ("report.odt", "report"),
                                            ("article.html", "article")])
def test_each_source_holds_its_words_in_order(file, words_of):
    """Every fixture's text holds at least 98% of its document's words, in order, as paragraphs."""
    got = ex.extract(DATA / file)
    assert in_order("\n".join(expected(words_of)), got.text) >= 0.98
    assert "\n\n" in got.text and "\n\n\n" not in got.text and " \n" not in got.text
    assert got.text == unicodedata.normalize("NFC", got.text)


def test_word_and_odt_keep_headings_tables_and_order():
    """The LibreOffice-made .docx and .odt give the same paragraphs: headings, table rows (cells by tabs), Persian."""
    want = ["Digital cooperation: notes for the desk",
            "The Tokyo Statement sets the direction for regional digital cooperation over the next five years.",
            "Six strategic priorities",
            "The priorities include digital connectivity, digital innovation and entrepreneurship, trust and safety, "
            "digital inclusion and capacity building, sustainability, and partnership.",
            "Priority\tLead ministry\tYear", "Fifth generation networks\tCommunications\t2026",
            "Artificial intelligence\tScience and technology\t2027",
            "After the table, the analyst notes that the statement was adopted unanimously.",
            "شمار کسب\u200cوکارهای فعال دیجیتال باید به ۲۵۰۰۰ برسد.", "The last paragraph closes the note."]
    for name, media in (("report.docx", ex.word.MEDIA_TYPE), ("report.odt", ex.odt.MEDIA_TYPE)):
        got = ex.extract(DATA / name)
        assert got.text.split("\n\n") == want, name
        assert (got.media_type, got.title, got.pages) == (media, "Digital cooperation: notes for the desk", ())


def test_the_web_page_keeps_the_article_and_none_of_the_chrome():
    """The saved page's text is its article's paragraphs: no menu, cookie banner, share buttons, ad, related, footer."""
    got = ex.extract(DATA / "article.html")
    assert [c for c in CHROME if c in got.text] == []
    assert got.text.split("\n\n")[0].startswith("TEHRAN – The Information and Communication Technology")
    assert got.text.split("\n\n")[-1].endswith("the Iranian minister continued.")
    assert (got.media_type, got.title) == ("text/html", "Iran’s ICT minister chairs APT session in Tokyo")


def test_the_persian_pdf_reads_in_reading_order():
    """The Persian PDF's paragraphs are its sentences as written: lam-alef, ZWNJ and full stops in place."""
    got = ex.extract(DATA / "persian.pdf")
    assert got.text.split("\n\n") == expected("persian")
    for word in ("اطلاعات", "سلامت", "کلان\u200cداده\u200cها", "بالا", "می\u200cشود", "بین\u200cالمللی"):
        assert word in got.text
    for broken in ("اطالعات", "سالمت", "باال", "میشود", ".است"):
        assert broken not in got.text
    assert got.title == "برنامه هفتم توسعه، فصل اقتصاد دیجیتال"


def test_a_persian_pdf_from_another_producer_reads_in_reading_order():
    """The same sentences laid out by Qt (lines run together in pdfium, a page number) read as written."""
    got = ex.extract(DATA / "qt-persian.pdf")
    assert got.text.split("\n\n") == expected("persian")
    assert got.pages == ((1, 0, 723),)


def test_page_boundaries_of_a_three_page_pdf():
    """The 3-page PDF's page list marks each page's text exactly; no page mark is put into the text."""
    got = ex.extract(DATA / "english.pdf")
    assert got.pages == ((1, 0, 488), (2, 490, 859), (3, 861, 1112))
    assert len(got.text) == 1112
    firsts = [got.text[s:e].split("\n\n")[0] for _, s, e in got.pages]
    assert firsts == ["Aref’s Five Proposals at the Almaty Digital 2025 Conference",
                      "The second page: the digital economy in figures", "The third page: cooperation in the region"]
    assert got.text[got.pages[0][2]:got.pages[1][1]] == "\n\n"
    assert got.text[got.pages[0][2] - 10:got.pages[0][2]] == "economies."


def test_line_end_hyphen_and_joined_lines_in_a_pdf():
    """A word broken after its hyphen at a line end is one word again; wrapped lines join with one space."""
    text = ex.extract(DATA / "english.pdf").text
    assert "artificial intelligence-driven economies." in text
    assert "connecting communication infrastructure, harmonizing" in text


def test_metadata_of_an_extracted_file():
    """The result names the media type, keeps the original bytes and their sha256."""
    import hashlib
    raw = (DATA / "english.pdf").read_bytes()
    got = ex.extract(DATA / "english.pdf")
    assert (got.media_type, got.size, got.sha256) == ("application/pdf", len(raw), hashlib.sha256(raw).hexdigest())
    assert got.content == raw and got.original()["pages"] == [[1, 0, 488], [2, 490, 859], [3, 861, 1112]]


def test_text_and_markdown_are_kept_exactly(tmp_path):
    """A Markdown file's text is stored exactly as written (no NFC, no paragraph rewriting)."""
    p = tmp_path / "note.md"
    p.write_bytes("# Title  \n\nline one\nline two   \n\u0065\u0301\n".encode())
    got = ex.extract(p)
    assert (got.text, got.media_type, got.pages) == ("# Title  \n\nline one\nline two   \n\u0065\u0301\n",
                                                      "text/markdown", ())


# -- refusals: each one sentence -------------------------------------------------------------------------------
def refusal(path) -> str:
    with pytest.raises(ValidationError) as e:
        ex.extract(path)
    msg = str(e.value)
    assert one_sentence(msg), msg
    return msg


def test_a_scanned_pdf_is_refused():
    """A PDF whose page is only a picture has no text layer: one sentence says so."""
    assert refusal(DATA / "scanned.pdf") == ("scanned.pdf has no text layer (it is a scanned image); make it "
                                             "searchable with OCR first, then add it.")


def test_an_encrypted_pdf_is_refused():
    """A password-protected PDF is refused in one sentence."""
    assert refusal(DATA / "encrypted.pdf") == ("encrypted.pdf is encrypted (password-protected); save a copy "
                                               "without a password and add that.")


def test_a_truncated_pdf_is_refused(tmp_path):
    """A PDF cut short in the middle is refused as incomplete."""
    raw = (DATA / "english.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(raw[:len(raw) // 2])
    assert refusal(p) == "cut.pdf is cut short: the PDF has no end-of-file marker, so it is incomplete or damaged."


def test_files_that_are_not_what_their_names_say(tmp_path):
    """A renamed text file is refused as .docx, .odt, .pdf and .html, each in one sentence."""
    for name in ("fake.docx", "fake.odt"):
        (tmp_path / name).write_text("Just some text, renamed.\n", encoding="utf-8")
        assert "is not a" in refusal(tmp_path / name)
    (tmp_path / "fake.pdf").write_text("Just some text, renamed.\n", encoding="utf-8")
    assert refusal(tmp_path / "fake.pdf") == "fake.pdf is not a PDF file (it does not start with %PDF)."
    (tmp_path / "fake.html").write_text("Just some text, renamed.\n", encoding="utf-8")
    assert refusal(tmp_path / "fake.html") == "fake.html is not a web page (it has no HTML markup)."
    (tmp_path / "pdf.docx").write_bytes((DATA / "english.pdf").read_bytes())
    assert refusal(tmp_path / "pdf.docx") == ("pdf.docx is not a Word document (.docx) (it is not the zip "
                                              "container one is made of).")


def test_an_odt_renamed_docx_is_refused(tmp_path):
    """A zip that is not a Word document (an ODT renamed .docx) says what is missing."""
    p = tmp_path / "odt.docx"
    p.write_bytes((DATA / "report.odt").read_bytes())
    assert refusal(p) == "odt.docx is not a Word document (.docx): it has no word/document.xml."


def test_empty_documents_are_refused(tmp_path):
    """An empty file, and a Word document without a word of text, are refused in one sentence."""
    import docx
    (tmp_path / "zero.pdf").write_bytes(b"")
    assert refusal(tmp_path / "zero.pdf") == "zero.pdf is empty; there is no text to import."
    docx.Document().save(tmp_path / "blank.docx")
    assert refusal(tmp_path / "blank.docx") == "blank.docx holds no text; there is nothing to import."


def test_size_and_page_limits(tmp_path, monkeypatch):
    """A file over its format's byte limit, or a PDF over the page limit, is refused before it is read."""
    monkeypatch.setitem(ex.LIMITS, "application/pdf", 10_000)
    assert refusal(DATA / "english.pdf") == "english.pdf is 27 kB; a PDF may be at most 10 kB."
    monkeypatch.setitem(ex.LIMITS, "application/pdf", 200 * 1024 * 1024)
    monkeypatch.setattr(pdfmod, "MAX_PAGES", 2)
    assert refusal(DATA / "english.pdf") == "english.pdf has 3 pages; a PDF may have at most 2."


def test_unknown_kinds_are_refused(tmp_path):
    """A file whose name ending names no supported format is refused, naming the ones that are."""
    p = tmp_path / "sheet.xlsx"
    p.write_bytes(b"PK\x03\x04rest")
    assert refusal(p) == ("sheet.xlsx is not a kind of file that can be added; add a PDF, Word (.docx), "
                          "OpenDocument (.odt), saved web page (.html), text or Markdown file.")


# -- right-to-left repairs, unit by unit ----------------------------------------------------------------------
def _boxes(xs):
    return [pdfmod.Box(left, right, 0.0, 10.0) for left, right in xs]


def test_presentation_forms_go_back_to_letters():
    """NFKC is applied to Arabic presentation forms only: ﻻ becomes لا, other text is untouched."""
    assert pdfmod.unpresent("\ufefb\ufe8e ﬁ x²") == "لا\u0627 ﬁ x²"


def test_a_visually_ordered_line_is_put_in_reading_order():
    """Letters given left to right (visual order) are reversed; the digits inside stay left to right."""
    chars = "۱۴۰۷ لاس"  # "سال ۱۴۰۷" as a visual-order producer gives it: the leftmost glyph first
    xs = [(i * 10.0, i * 10.0 + 10.0) for i in range(len(chars))]  # touching boxes, x rising
    assert pdfmod.repair(chars, _boxes(xs)) == "سال ۱۴۰۷"


def test_ligature_and_zwnj_repairs_follow_the_boxes():
    """Two letters in one box are un-reversed (ال -> لا); a joining letter apart from the next gets a ZWNJ."""
    text = "میشود"  # logical order, x falling: م ی | ش و د ; ی stands 2 points apart from ش
    xs = [(50, 59), (41, 50.2), (30, 39), (21, 30.1), (12, 21)]
    assert pdfmod.repair(text, _boxes(xs)) == "می\u200cشود"
    text = "اطالعات"
    xs = [(60, 63), (50, 60), (42, 50), (42, 50), (34, 42.1), (30, 34.2), (20, 30.1)]
    assert pdfmod.repair(text, _boxes(xs)) == "اطلاعات"
    assert pdfmod.repair(".است", None) == "است."


def test_encrypted_word_and_odt_files_are_refused(tmp_path):
    """A password-protected .docx (an OLE container) and an .odt whose manifest has encryption data are refused."""
    import zipfile
    (tmp_path / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert refusal(tmp_path / "locked.docx") == ("locked.docx is encrypted or is an old-style Word file, not a "
                                                 "Word document (.docx); save it as a Word document (.docx) "
                                                 "without a password and add it again.")
    with zipfile.ZipFile(DATA / "report.odt") as src, zipfile.ZipFile(tmp_path / "locked.odt", "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = data.replace(b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>")
            out.writestr(info, data)
    assert refusal(tmp_path / "locked.odt") == ("locked.odt is encrypted (password-protected); save it without a "
                                                "password and add it again.")


@pytest.mark.parametrize("name", ["english.pdf", "persian.pdf", "report.docx", "report.odt", "article.html"])
def test_damaged_files_are_read_or_refused_never_a_traceback(tmp_path, name):
    """Bytes changed at random, or the file cut short: the text is read or refused in one sentence, nothing else."""
    import random
    rng = random.Random(name)
    raw = (DATA / name).read_bytes()
    outcomes = set()
    for k in range(60):
        b = bytearray(raw)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        if k % 5 == 0:
            b = b[:rng.randrange(len(b))]
        p = tmp_path / name
        p.write_bytes(bytes(b))
        try:
            ex.extract(p)
            outcomes.add("read")
        except ValidationError as e:
            assert one_sentence(str(e)), str(e)
            outcomes.add("refused")
    assert "refused" in outcomes
