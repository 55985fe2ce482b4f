"""Hostile input: every import path refuses bad data in one sentence naming the place, and the
database is unchanged afterwards; CSV export is formula-safe; search queries never reach SQL raw."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from robust_docgen import content_hash

from app.core.model import ValidationError
from app.exchange import csvio, jsonio
from app.services import sources

ROOT = Path(__file__).resolve().parents[2]
SEEDED_ITEMS = len(tomllib.loads((ROOT / "seeds" / "curated.toml").read_text(encoding="utf-8"))["items"])


def _doc(**items_fields) -> dict:
    """A one-item document against the seeded file, with item fields overridden."""
    item = {"id": "hostile-1", "framework_id": "fw-h", "kind": "goal", "title": "A title", "status": "proposed"}
    item.update(items_fields)
    return {"format": "policy-tracker", "version": 1, "frameworks": [{"id": "fw-h", "title": "Hostile"}],
            "items": [item]}


def _text(doc) -> str:
    return json.dumps(doc, ensure_ascii=True)


# name, raw file content (str is written as UTF-8, bytes as they are), words the message must hold
JSON_CASES = [
    ("malformed JSON", '{"format": "policy-tracker", "version": 1, "items": [', "not valid JSON"),
    ("empty file", "", "not valid JSON"),
    ("top level is a list", "[1, 2, 3]", "must be an object"),
    ("not our format", '{"format": "other", "version": 1}', "format"),
    ("wrong type: items is text", _text({**_doc(), "items": "many"}), "items: must be a list"),
    ("wrong type: title is a number", _text(_doc(title=5)), "items[0].title"),
    ("wrong type: tags is an object", _text(_doc(tags={"a": 1})), "items[0].tags"),
    ("duplicate ids", _text({**_doc(), "items": [_doc()["items"][0], _doc()["items"][0]]}), "items[1].id"),
    ("duplicate keys", '{"format": "policy-tracker", "format": "policy-tracker", "version": 1}', "repeats the key"),
    ("NaN", _text(_doc(target={"target": 1})).replace('"target": 1', '"target": NaN'), "NaN"),
    ("Infinity", _text(_doc(target={"target": 1})).replace('"target": 1', '"target": -Infinity'), "Infinity"),
    ("integer too large", _text(_doc(target={"target": 10 ** 30})), "items[0].target.target"),
    ("lone surrogate", _text(_doc()).replace("A title", "A \\ud800 title"), "items[0].title"),
    ("NUL character", _text(_doc()).replace("A title", "A \\u0000 title"), "items[0].title"),
    ("5 MB title", _text(_doc(title="x" * 5_000_000)), "items[0].title"),
    ("100,000 nested brackets", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("100,000 nested objects", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ("UTF-16 file", _text(_doc()).encode("utf-16"), "UTF-16"),
    ("UTF-16 without BOM", _text(_doc()).encode("utf-16-le"), "UTF-16"),
    ("binary file", bytes(range(256)) * 20, "UTF-16 or binary|not UTF-8"),
    ("PNG image", b"\x89PNG\r\n\x1a\n" + bytes(200), "not UTF-8|binary"),
    ("invalid UTF-8", b'{"format": "\xff\xfe\xfd"}', "not UTF-8"),
    ("unknown status", _text(_doc(status="on_fire")), "items[0].status"),
    ("unknown kind", _text(_doc(kind="wish")), "items[0].kind"),
    ("impossible date", _text(_doc(due_on="2024-02-30")), "items[0].due_on"),
    ("dangling framework", _text({**_doc(framework_id="nowhere"), "frameworks": []}), "items[0].framework_id"),
    ("dangling parent", _text(_doc(parent_id="nobody")), "items[0].parent_id"),
    ("dangling relation", _text({**_doc(), "relations": [{"id": "r1", "from_id": "hostile-1", "to_id": "ghost",
                                                           "kind": "supports"}]}), "relations[0].to_id"),
    ("dangling citation source", _text(_doc(citations=[{"id": "c1", "source_id": "ghost", "quote": "q"}])),
     "items[0].citations[0].source_id"),
    ("citation ending before its start", _text({**_doc(citations=[{"id": "c1", "source_id": "s1", "quote": "q",
                                                           "start": 3, "end": 1}]),
                                        "sources": [{"id": "s1", "title": "S", "text": "short text"}]}),
     "items[0].citations[0].end"),
    ("negative offset", _text({**_doc(citations=[{"id": "c1", "source_id": "s1", "quote": "q",
                                                  "start": -4, "end": 2}]),
                               "sources": [{"id": "s1", "title": "S", "text": "short text"}]}),
     "items[0].citations[0].start"),
    ("altered source text", _text({**_doc(), "sources": [{"id": "s1", "title": "S", "text": "x", "sha256": "0" * 64}]}),
     "sources[0].sha256"),
    ("boolean as number", _text(_doc(target={"target": True})), "items[0].target.target"),
]


@pytest.mark.parametrize("name,content,words", JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_json_import_refuses_in_one_sentence_and_changes_nothing(store, tmp_path, name, content, words):
    """Each bad JSON document is refused with a one-line message naming the place; the file is unchanged."""
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    before = content_hash(store.path)
    with pytest.raises(ValidationError) as err:
        jsonio.import_document(store, jsonio.load_file(path))
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 400, msg
    assert any(w in msg for w in words.split("|")), msg
    assert content_hash(store.path) == before


CSV_HEADER = "framework,ref,kind,title,status,due_on,tags\r\n"
CSV_CASES = [
    ("UTF-16 sheet", (CSV_HEADER + "F,1,goal,T,proposed,,\r\n").encode("utf-16"), "UTF-16 or binary"),
    ("binary", bytes(range(256)) * 10, "UTF-16 or binary"),
    ("no header", b"just,some,cells\r\n1,2,3\r\n", "header row"),
    ("unknown status", (CSV_HEADER + "F,1,goal,T,on_fire,,\r\n").encode(), "line 2"),
    ("unknown kind", (CSV_HEADER + "F,1,goal,T,proposed,,\r\nF,2,wish,T,proposed,,\r\n").encode(), "line 3"),
    ("bad date", (CSV_HEADER + "F,1,goal,T,proposed,31/12/2030,\r\n").encode(), "line 2"),
    ("empty framework", (CSV_HEADER + ",1,goal,T,proposed,,\r\n").encode(), "line 2"),
    ("too many cells", (CSV_HEADER + "F,1,goal,T,proposed,,,extra\r\n").encode(), "line 2"),
    ("invalid UTF-8 (a lone surrogate's bytes)",
     (CSV_HEADER + "F,1,goal,T\xed\xa0\x80,proposed,,\r\n").encode("latin-1"), "not UTF-8"),
    ("NUL in a cell", (CSV_HEADER + "F,1,goal,T\x00,proposed,,\r\n").encode(), "UTF-16 or binary"),
]


@pytest.mark.parametrize("name,content,words", CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_csv_import_refuses_in_one_sentence_and_changes_nothing(store, tmp_path, name, content, words):
    """Each bad CSV sheet is refused in one line naming the line; the file is unchanged."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = content_hash(store.path)
    with pytest.raises(ValidationError) as err:
        csvio.import_csv(store, path)
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 400 and any(w in msg for w in words.split("|")), msg
    assert content_hash(store.path) == before


SOURCE_FILES = [
    ("UTF-16", "Speech text".encode("utf-16"), "UTF-16"),
    ("binary", b"\x7fELF" + bytes(range(256)), "binary"),
    ("empty", b"", "empty"),
    ("blank", b"   \n\t\n", "blank"),
    ("latin-1", "Déclaration".encode("latin-1"), "not UTF-8"),
    ("lone surrogate bytes", b"text \xed\xa0\x80 more", "not UTF-8"),
]


@pytest.mark.parametrize("name,content,words", SOURCE_FILES, ids=[c[0] for c in SOURCE_FILES])
def test_source_documents_refuse_bad_files(store, tmp_path, name, content, words):
    """A source file that is not UTF-8 text is refused with its name in the sentence; nothing is added."""
    path = tmp_path / "speech.txt"
    path.write_bytes(content)
    before = content_hash(store.path)
    from app.exchange.extract import extract  # what add-source and File > Add Source read files with
    with pytest.raises(ValidationError, match=words) as err:
        extract(path)
    assert "speech.txt" in str(err.value) and "\n" not in str(err.value)
    assert content_hash(store.path) == before


@pytest.mark.parametrize("kwargs,field", [
    ({"text": "a \ud800 b"}, "Text"),
    ({"text": "a \x00 b"}, "Text"),
    ({"title": "x" * 5_000_000}, "Title"),
    ({"title": "bad \ud800"}, "Title"),
    ({"url": "javascript:alert(1)"}, "URL"),
    ({"published_on": "yesterday"}, "Published on"),
])
def test_add_source_refuses_bad_fields(store, kwargs, field):
    """Source text and fields with NUL, lone surrogates, 5 MB titles or non-http links are refused."""
    args = {"text": "A real speech.", "title": "Speech", **kwargs}
    before = content_hash(store.path)
    with pytest.raises(ValidationError, match=field):
        sources.add_source(store, args.pop("text"), **args)
    assert content_hash(store.path) == before


def test_oversized_source_file_is_refused_before_reading(store, tmp_path):
    """A 21 MB text file is refused by size."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    from app.exchange.extract import extract
    with pytest.raises(ValidationError, match="MB"):
        extract(path)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_csv_export_neutralises_formula_cells(store, cell):
    """A title a spreadsheet would run as a formula is exported with a leading quote."""
    from app.services import editing
    fw = store.list_frameworks()[0]["id"]
    editing.create_item(store, {"framework_id": fw, "kind": "goal", "title": "x", "description": cell})
    rows = csvio.export_rows(store)
    col = rows[0].index("description")
    cells = [r[col] for r in rows[1:] if r[col].lstrip("'") == cell]
    assert cells == ["'" + cell]
    assert csvio.neutralise(cell) == "'" + cell and csvio.neutralise("plain") == "plain"


HOSTILE_QUERIES = ['"', '""', "'", "NEAR(", "a OR", "OR", "AND NOT", "*", "**", "title:x", ")(", "a\x00b",
                   "'; DROP TABLE items; --", "^start", "-x", "a - b", "{col}", "x:y:z", "\\", "\ud800",
                   "NEAR(a b, 3)", "a\"b", "۹۰ درصد", "ي ك", "(((", "a" * 10_000]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_search_survives_hostile_queries(store, query):
    """Search with FTS operators, quotes, SQL and junk never errors and never changes the file."""
    before = content_hash(store.path)
    hits = store.search(query)
    assert isinstance(hits, list)
    assert all(h["kind"] in ("item", "note", "source") for h in hits)
    assert content_hash(store.path) == before
    assert store.count_items() == SEEDED_ITEMS  # the seeded file, every item still there


CLI_CASES = [c for c in JSON_CASES if c[0] in (
    "malformed JSON", "NaN", "lone surrogate", "5 MB title", "100,000 nested brackets", "UTF-16 file",
    "binary file", "unknown status", "dangling framework", "citation ending before its start", "duplicate ids",
    "integer too large")]


@pytest.mark.parametrize("name,content,words", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_import_refuses_with_one_line(seeded_path, tmp_path, name, content, words):
    """`policy-tracker import` ends with exit 1 and one line on stderr, no traceback, file unchanged."""
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    before = content_hash(seeded_path)
    r = subprocess.run([sys.executable, "-m", "app.cli", "import", str(path), "--db", str(seeded_path)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("policy-tracker: "), r.stderr
    assert "Traceback" not in r.stderr
    assert content_hash(seeded_path) == before


def test_cli_import_of_bad_csv_is_one_line(seeded_path, tmp_path):
    """A bad CSV through the command line: exit 1, one line naming the sheet's line."""
    path = tmp_path / "bad.csv"
    path.write_bytes((CSV_HEADER + "F,1,goal,T,on_fire,,\r\n").encode())
    r = subprocess.run([sys.executable, "-m", "app.cli", "import", str(path), "--db", str(seeded_path)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "line 2" in r.stderr, r.stderr


HUGE_INTEGER = _text(_doc(target={"target": 1})).replace('"target": 1', '"target": ' + "9" * 5000)


def test_a_5000_digit_integer_is_a_validation_error(store, tmp_path):
    """A 5,000-digit integer (beyond Python's int parsing limit) is refused in one sentence, not a ValueError."""
    path = tmp_path / "huge-int.json"
    path.write_text(HUGE_INTEGER, encoding="utf-8")
    before = content_hash(store.path)
    with pytest.raises(ValidationError, match="number"):
        jsonio.import_document(store, jsonio.load_file(path))
    assert content_hash(store.path) == before


def test_cli_import_of_a_5000_digit_integer_is_one_line(seeded_path, tmp_path):
    """`policy-tracker import` of a 5,000-digit integer exits 1 with one line, not 70 (unexpected)."""
    path = tmp_path / "huge-int.json"
    path.write_text(HUGE_INTEGER, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "app.cli", "import", str(path), "--db", str(seeded_path)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 1 and "unexpected" not in r.stderr, r.stderr


def test_csv_with_an_unterminated_quote_is_refused(store, tmp_path):
    """An unterminated quote is refused with its line instead of swallowing the rest of the sheet."""
    path = tmp_path / "bad.csv"
    path.write_bytes((CSV_HEADER + 'F,1,goal,"T,proposed,,\r\n').encode())
    before = content_hash(store.path)
    with pytest.raises(ValidationError, match="bad.csv"):
        csvio.import_csv(store, path)
    assert content_hash(store.path) == before


def test_csv_with_an_oversized_cell_names_its_line(store, tmp_path):
    """A 5 MB cell is refused with the sheet's line number."""
    path = tmp_path / "bad.csv"
    path.write_bytes((CSV_HEADER + "F,1,goal," + "x" * 5_000_000 + ",proposed,,\r\n").encode())
    before = content_hash(store.path)
    with pytest.raises(ValidationError, match="line 2"):
        csvio.import_csv(store, path)
    assert content_hash(store.path) == before
