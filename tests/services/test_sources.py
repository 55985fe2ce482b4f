"""Adding a PDF, Word, ODT or web page source: its text, its original file and pages, undo and refusals."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.core import anchoring
from app.core.model import ValidationError
from app.exchange.extract import extract
from app.services import operations as ops
from app.services import sources
from app.store import source_files
from app.store.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


def rows(store: Store) -> dict:
    """Every row of the tables a source touches (less the audit trail and the search index)."""
    out = {}
    for t, order in (("sources", "id"), ("source_files", "source_id"), ("source_pages", "source_id, page")):
        out[t] = [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY {order}")]
    return out


def add(store: Store, name: str) -> tuple[str, ops.History]:
    got = extract(DATA / name)
    h = ops.History(store)
    sid = h.do(ops.AddSource(got.text, {"title": got.title or name}, original=got.original())).result
    return sid, h


def test_a_pdf_source_keeps_its_file_sha256_and_pages(empty_store):
    """The PDF's bytes, sha256, media type and page boundaries are stored with its canonical text."""
    sid, _ = add(empty_store, "english.pdf")
    raw = (DATA / "english.pdf").read_bytes()
    kept = source_files.get_original(empty_store, sid)
    assert kept == {"file_name": "english.pdf", "media_type": "application/pdf",
                    "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw), "content": raw,
                    "pages": [[1, 0, 488], [2, 490, 859], [3, 861, 1112]]}
    src = empty_store.get_source(sid)
    assert src["sha256"] == hashlib.sha256(src["text"].encode("utf-8")).hexdigest()  # the text's, as before
    assert src["title"] == "Aref’s Five Proposals at the Almaty Digital 2025 Conference"


def test_undo_removes_the_file_and_pages_and_redo_brings_them_back(empty_store):
    """Undoing the add leaves no file or page rows; redoing restores every row exactly."""
    before = rows(empty_store)
    _, h = add(empty_store, "english.pdf")
    done = rows(empty_store)
    assert (len(done["source_files"]), len(done["source_pages"])) == (1, 3)
    h.undo()
    assert rows(empty_store) == before
    h.redo()
    assert rows(empty_store) == done
    h.undo()
    assert rows(empty_store) == before


def test_a_quote_alone_lands_on_its_words_and_page(empty_store):
    """A citation given by quote alone is placed on the PDF's words, and its page is the right one."""
    sid, _ = add(empty_store, "english.pdf")
    text = empty_store.get_source(sid)["text"]
    a = anchoring.Anchorer(text)
    for quote, page in (("presented several proposals at the\nAlmaty Digital 2025 conference", 1),
                        ("share of the digital econ-\nomy in gross domestic product", 2),
                        ("a common market for digital services", 3)):
        got = a.anchor(quote)
        assert anchoring.normalise(text[got.start:got.end]).replace("-", "") == \
            anchoring.normalise(quote).replace("-", "")
        assert source_files.page_of(empty_store, sid, got.start) == page


def test_the_original_must_match_its_bytes_and_pages(empty_store):
    """A file whose sha256 or pages do not fit is refused in one sentence and nothing is stored."""
    got = extract(DATA / "english.pdf")
    before = rows(empty_store)
    bad_sha = {**got.original(), "sha256": "0" * 64}
    with pytest.raises(ValidationError, match=r"^The original file's bytes do not match its sha256\.$"):
        ops.perform(empty_store, ops.AddSource(got.text, {"title": "x"}, original=bad_sha))
    bad_pages = {**got.original(), "pages": [[1, 0, 488], [2, 490, 5000]]}
    with pytest.raises(ValidationError, match=r"^Page 2 of the original file does not lie within its text"):
        ops.perform(empty_store, ops.AddSource(got.text, {"title": "x"}, original=bad_pages))
    assert rows(empty_store) == before


@pytest.mark.parametrize("name, media, title", [
    ("persian.pdf", "application/pdf", "برنامه هفتم توسعه، فصل اقتصاد دیجیتال"),
    ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "Digital cooperation: notes for the desk"),
    ("article.html", "text/html", "Iran’s ICT minister chairs APT session in Tokyo"),
])
def test_add_source_on_the_command_line_takes_every_format(tmp_path, name, media, title):
    """`add-source FILE` stores each format's text and original, titled from the file itself."""
    db = tmp_path / "a.sqlite"
    assert cli.main(["init", "--empty", "--db", str(db)]) == 0
    assert cli.main(["add-source", str(DATA / name), "--db", str(db)]) == 0
    with Store(db) as s:
        src = s.list_sources()[0]
        kept = source_files.get_original(s, src["id"], with_content=False)
        assert (src["title"], kept["media_type"], kept["file_name"]) == (title, media, name)
        assert s.get_source(src["id"])["text"] == extract(DATA / name).text


def test_add_source_refuses_a_scanned_pdf_in_one_sentence(tmp_path):
    """A scanned PDF on the command line: one line on stderr, exit 1, the file unchanged."""
    db = tmp_path / "a.sqlite"
    assert cli.main(["init", "--empty", "--db", str(db)]) == 0
    before = db.read_bytes()
    r = subprocess.run([sys.executable, "-m", "app.cli", "add-source", str(DATA / "scanned.pdf"), "--db", str(db)],
                       capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ("policy-tracker: scanned.pdf has no text layer (it is a scanned image); make it "
                        "searchable with OCR first, then add it.\n")
    assert db.read_bytes() == before


def test_a_text_source_has_no_file_row(empty_store, tmp_path):
    """A Markdown source is its text: no original file or pages are stored for it."""
    p = tmp_path / "note.md"
    p.write_text("# A note\n\nSome words.\n", encoding="utf-8")
    from app.exchange.extract import extract
    sid, _ = sources.add_source(empty_store, extract(p).text, title="A note")
    assert source_files.get_original(empty_store, sid) is None
    assert source_files.page_of(empty_store, sid, 3) is None


def test_a_sources_kind_and_event_lose_bidi_overrides(empty_store):
    """kind and event are single-line fields like the title: an override in them is removed."""
    sid, _ = sources.add_source(empty_store, "A speech.", title="Speech", kind="spe\u202eech", event="Sum\u202emit")
    row = empty_store.get_source(sid)
    assert (row["kind"], row["event"]) == ("speech", "Summit")
