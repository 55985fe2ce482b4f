"""The JSON exchange format: export a whole file, and validate-then-import (all or nothing).

Import reads and checks the entire document before it writes anything, then writes in one
transaction, merging by id: running the same import twice changes nothing the second time.
It is not a second set of rules: every field is checked by the same core.validation functions
as an edit in the window, and every item ends with the status its history gives it
(core.status_rule), exactly as after adding a status update in the window. Which keys a record
must have, their limits and rules, and which fields a merge takes come from core.records.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn

from ..core import anchoring, status_rule
from ..core import records as R
from ..core import validation as v
from ..core.model import BUILT_IN, TO_CHECK, Cancelled, ValidationError
from ..store import editions, source_files
from ..store.guard import refuse_database_file
from ..store.store import Store
from . import review_fields
from .extract import LIMITS as FILE_LIMITS
from .extract import MAX_PAGES as FILE_LIMITS_PAGES

FORMAT = "policy-tracker"
# The format's version goes up with the database schema whenever a schema change reaches the
# document (version 2 is the first release with schema 2). Every older version still imports.
# Version 3 adds each entry's review_state and reviews (review_fields.py), and source editions: a source's
# earlier `editions`, and each citation's `anchor_state`, `suggested_start`/`suggested_end`,
# `figures_changed` and its `placements` in earlier editions.
VERSION = 3
READS = (1, 2, 3)
# Budgets: a full export of 100,000 items with 1,000,000 status updates and 1,000 sources (the
# benchmark data set) is 580 MB and 11.1 million values; these limits are about twice that.
MAX_FILE_BYTES = 1 << 30
MAX_DEPTH = 32
MAX_LIST = 5_000_000
MAX_NODES = 25_000_000
CLOCK_SKEW = dt.timedelta(minutes=10)  # how far ahead of ours another analyst's clock may be
VOCABULARY = (("statuses", "status"), ("item_kinds", "item kind"), ("relation_kinds", "relation kind"))
ProgressFn = Callable[[int, int], bool]  # (done, total) -> False to cancel
# Keys that are not columns of core.records: a source's original file, a citation's page.
ORIGINAL = "original"
ORIGINAL_KEYS = ("file_name", "media_type", "sha256", "size", "content_base64", "pages")
PAGE = "page"
MAX_FILE_NAME = 1_000
# A source's editions (all of them, oldest first, when it has more than one; the newest one's text
# is the source's `text`), and a citation's places in earlier editions.
EDITIONS = "editions"
EDITION_KEYS = ("edition", "sha256", "published_on", "note", "text")  # and, for an earlier edition, its ORIGINAL
PLACEMENTS = "placements"
PLACEMENT_KEYS = ("edition", "start", "end", "quote", "anchor_state")
MAX_EDITIONS = 1_000


class ImportCancelled(Cancelled):
    """An import cancelled while it was prepared or written; nothing of it stays."""


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    reanchored: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    # citations whose offsets no longer fit, that a person must check (review)
    to_check: list[str] = field(default_factory=list)
    # items whose `status` in the document disagreed with their history: the history decided
    status_from_history: list[str] = field(default_factory=list)
    # items the file has whose `status` the document gave otherwise, with no dated update to say so
    status_kept: list[str] = field(default_factory=list)
    # what the import adds to the vocabulary: "adds status 'on_hold' (label 'On hold')"
    vocabulary: list[str] = field(default_factory=list)

    def bump(self, what: str, kind: str = "added") -> None:
        d = self.added if kind == "added" else self.updated
        d[what] = d.get(what, 0) + 1

    def summary(self) -> str:
        parts = [f"{n} {k.replace('_', ' ')}" for k, n in self.added.items() if n]
        text = ("Added " + ", ".join(parts)) if parts else "Nothing new to add" if not self.vocabulary else ""
        if self.vocabulary:
            said = "; ".join(self.vocabulary)
            text = f"{text}; {said}" if text else said[0].upper() + said[1:]
        up = [f"{n} {k.replace('_', ' ')}" for k, n in self.updated.items() if n]
        if up:
            text += "; updated " + ", ".join(up)
        if self.reanchored:
            text += f"; {len(self.reanchored)} citation(s) re-anchored"
        if self.unplaced:
            text += f"; {len(self.unplaced)} citation(s) could not be placed and are kept as unplaced"
        if self.to_check:
            text += f"; {len(self.to_check)} citation(s) wait to be checked (Citations to Check)"
        if self.status_from_history:
            text += (f"; {len(self.status_from_history)} item(s) take the status of their latest update "
                     f"instead of the one the document gave")
        if self.status_kept:
            text += (f"; {len(self.status_kept)} item(s) keep their status, as the document gives no dated "
                     f"update for the one it states")
        return text + "."


# -- export ---------------------------------------------------------------------------------
def export_document(store: Store) -> dict:
    rows = store.export_rows()
    _add_originals(store, rows)
    review_fields.add_to_export(store, rows)
    _add_editions(store, rows)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {"format": FORMAT, "version": VERSION, "schema": store.schema_version(), "exported_at": now, **rows}


def _add_originals(store: Store, rows: dict) -> None:
    """Give each source with an original file its `original` (ORIGINAL_KEYS, the bytes in base64),
    and each citation on a paged source its `page` (1-based; None while unplaced).

    Not fields of core.records: the file and its pages are tables of their own (source_files,
    source_pages), read here in batches (store.source_files), never once per citation."""
    files = source_files.originals(store)
    for s in rows[R.SOURCES.json_key]:
        f = files.get(s["id"])
        if f is not None:
            s[ORIGINAL] = _original_out(f)
    finders = {sid: source_files.page_finder(f["pages"]) for sid, f in files.items() if f["pages"]}
    if not finders:
        return
    for it in rows[R.ITEMS.json_key]:
        for c in it[R.CITATIONS.json_key]:
            find = finders.get(c["source_id"])
            if find is not None:
                c[PAGE] = find(c["start"])


def _original_out(f: dict) -> dict:
    """A stored file (store.source_files) as the document's `original`: its bytes in base64."""
    return {"file_name": f["file_name"], "media_type": f["media_type"], "sha256": f["sha256"], "size": f["size"],
            "content_base64": base64.b64encode(f["content"]).decode("ascii"), "pages": f["pages"]}


def _add_editions(store: Store, rows: dict) -> None:
    """Give each source with more than one edition its `editions` (EDITION_KEYS; the newest without
    its text, which is the source's), and each citation its `placements` in earlier editions."""
    every = editions.all_editions(store)
    for s in rows[R.SOURCES.json_key]:
        eds = every.get(s["id"])
        if eds:
            s[EDITIONS] = [{k: e[k] for k in EDITION_KEYS if k != "text" or e is not eds[-1]} for e in eds]
            for out, e in zip(s[EDITIONS][:-1], eds[:-1], strict=True):  # the newest's file is the source's
                f = source_files.get_original(store, s["id"], edition=e["edition"])
                if f is not None:
                    out[ORIGINAL] = _original_out(f)
    placed = editions.all_placements(store)
    if not placed:
        return
    for it in rows[R.ITEMS.json_key]:
        for c in it[R.CITATIONS.json_key]:
            if c["id"] in placed:
                c[PLACEMENTS] = placed[c["id"]]


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# -- reading ----------------------------------------------------------------------------------
def load_file(path: Path | str) -> dict:
    """Read a document a person chose (never one of the open database's own files).

    Only a regular file, and never more than MAX_FILE_BYTES of it. Its values are counted piece by
    piece first (check_budget): a file over the budget is refused having been read only that far,
    in constant memory, and only a file within every budget is read whole and parsed.
    """
    refuse_database_file(path, "import")  # before any stat or open: closing one drops our locks
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(f"{path.name} is not a regular file; choose a JSON document.")
        if info.st_size > MAX_FILE_BYTES:
            raise ValidationError(_too_big(path.name, info.st_size))
        with open(path, "rb") as fh:
            seen = 0

            def read(n: int) -> bytes:
                nonlocal seen
                block = fh.read(n)
                seen += len(block)
                if seen > MAX_FILE_BYTES:  # it grew since stat
                    raise ValidationError(_too_big(path.name, seen))
                return block
            check_budget(read, path.name)
            fh.seek(0)
            raw = fh.read(seen + 1)  # exactly what was counted (a larger request allocates it all)
    except OSError as e:
        raise ValidationError(f"{path} cannot be read: {e.strerror}.") from None
    if len(raw) != seen:
        raise ValidationError(f"{path.name} changed while it was read; import it again.")
    return loads(raw, name=path.name, checked=True)


def _too_big(name: str, size: int) -> str:
    return f"{name} is {size / 1e6:,.0f} MB; the import limit is {MAX_FILE_BYTES / 1e6:,.0f} MB."


def loads(raw: bytes | str, name: str = "The document", *, checked: bool = False) -> Any:
    """Parse a document within the budgets (bytes, values, depth), all checked before the parser
    builds anything (`checked`: load_file has just checked these very bytes)."""
    text = raw if isinstance(raw, str) else None
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")  # for the budgets; a lone surrogate is named at its field
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(_too_big(name, len(raw)))
    if not checked:
        check_budget(io.BytesIO(raw).read, name, binary_ok=text is not None)
    if text is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ValidationError(f"{name} is not UTF-8 text (bad byte at position {e.start}).") from None
    del raw
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise ValidationError(f"{name} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}.") from None
    except RecursionError:
        raise ValidationError(f"{name} is nested too deeply (more than {MAX_DEPTH} levels).") from None
    except ValueError as e:  # e.g. an integer with thousands of digits (Python's int limit)
        raise ValidationError(f"{name} contains a number that is too long to read ({str(e)[:60]}).") from None


_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_INNERMOST = re.compile(rb"\{\}|\[\]")
PIECE = 1 << 22  # bytes counted at a time


def _pieces(read: Callable[[int], bytes]) -> Iterator[bytes]:
    """The document in pieces of about PIECE bytes, never cut inside an escape (`\\x`)."""
    carry = b""
    while block := read(PIECE):
        block = carry + block
        run = len(block) - len(block.rstrip(b"\\"))
        cut = len(block) - (run % 2)  # an odd run of backslashes ends in an escape begun: keep it whole
        carry = block[cut:]
        yield block[:cut]
    if carry:
        yield carry


def check_budget(read: Callable[[int], bytes], name: str = "The document", *, binary_ok: bool = False) -> int:
    """Count the values a document will become, piece by piece at C speed, without parsing it;
    refuse it past MAX_NODES values or MAX_DEPTH levels. Returns the count.

    With every string removed, each `{` or `[` opens a container and each `,` adds an element or a
    member (the first value is the one more): an upper bound on what json.loads builds. Once its
    escaped backslashes and quotes are gone, a piece's quotes alternate between opening and closing
    a string, so whether the next piece begins inside one is the parity of its quotes. Memory stays
    a few pieces; a document over the budget is refused when its count passes it, read no further.
    """
    nodes, inside, first = 1, False, True  # inside: the piece begins inside a string
    brackets: list[bytes] = []
    for piece in _pieces(read):
        if first and not binary_ok and piece[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ValidationError(f"{name} is UTF-16 or binary; save it as UTF-8 JSON.")
        first = False
        if not binary_ok and b"\x00" in piece:
            raise ValidationError(f"{name} is UTF-16 or binary; save it as UTF-8 JSON.")
        # without its escaped backslashes and quotes, a piece's quotes alternate: in, out, in...
        parts = piece.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')
        bare = b"".join(parts[1 if inside else 0::2])
        inside ^= bool((len(parts) - 1) % 2)
        del parts
        nodes += bare.count(b"{") + bare.count(b"[") + bare.count(b",")
        if nodes > MAX_NODES:
            raise ValidationError(f"{name} holds more than {MAX_NODES:,} values, the import limit.")
        brackets.append(_NOT_BRACKET.sub(b"", bare))
    # depth: each pass removes every innermost pair, so a document empties in as many passes as it is deep
    nested = b"".join(brackets)
    del brackets
    for _ in range(MAX_DEPTH):
        if not nested:
            return nodes
        nested, n = _INNERMOST.subn(b"", nested)
        if not n:
            return nodes  # mismatched brackets: the parser names the place
    if _INNERMOST.search(nested):
        raise ValidationError(f"{name} is nested too deeply (more than {MAX_DEPTH} levels).")
    return nodes


def _reject_constant(token: str):
    raise ValidationError(f"The document contains {token}, which is not a valid JSON number.")


def _no_duplicate_keys(pairs):
    out = {}
    for k, val in pairs:
        if k in out:
            raise ValidationError(f"The document repeats the key '{k[:40]}' inside one object.")
        out[k] = val
    return out


# -- validation --------------------------------------------------------------------------------
class _Checker:
    def __init__(self, doc: Any):
        self.doc = doc

    def fail(self, where: str, msg: str) -> NoReturn:
        raise ValidationError(f"{where}: {msg}")

    def obj(self, value, where, required=(), optional=()) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "must be an object")
        missing = [k for k in required if k not in value]
        if missing:
            self.fail(where, f"is missing {', '.join(missing)}")
        return value

    def lst(self, value, where, limit=MAX_LIST) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(where, "must be a list")
        if len(value) > limit:
            self.fail(where, f"has {len(value):,} entries; the limit is {limit:,}")
        return value

    def text(self, value, where, *, required=False, limit=v.MAX_TEXT, nullable=True) -> str | None:
        if value is None:
            if required:
                self.fail(where, "is required")
            return None if nullable else ""
        if not isinstance(value, str):
            self.fail(where, f"must be text, not {type(value).__name__}")
        if "\x00" in value:
            self.fail(where, "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(where, "contains an invalid character (a lone surrogate)")
        if required and not value.strip():
            self.fail(where, "cannot be empty")
        if len(value) > limit:
            self.fail(where, f"is {len(value):,} characters long; the limit is {limit:,}")
        return value

    def clean(self, where, rule, *args, **kw):
        """Apply one of core.validation's rules; its error names the place: `items[3].ref: ...`."""
        try:
            return rule(*args, **kw)
        except ValidationError as e:
            raise ValidationError(v.placed(where, e)) from None

    def clean_record(self, where, rule, *args, **kw):
        """Apply a rule over several fields; the error's place is `where` plus the field it names."""
        try:
            return rule(*args, **kw)
        except ValidationError as e:
            raise ValidationError(v.placed(f"{where}.{e.field}" if e.field else where, e)) from None

    def ident(self, value, where, seen: set, limit: int = R.MAX_ID) -> str:
        value = self.text(value, where, required=True, limit=limit)
        if value in seen:
            self.fail(where, f"repeats the id '{value}'")
        seen.add(value)
        return value

    def offset(self, value, where):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, "must be a whole number")
        if value < 0:
            self.fail(where, "cannot be negative")
        return value

    def plain(self, f: R.Field, raw: dict, where: str):
        """A field with no rule of its own (a link, a quote, an offset): its type, presence and limit."""
        if f.type == "integer":
            return self.offset(raw.get(f.json), f"{where}.{f.json}")
        return self.text(raw.get(f.json), f"{where}.{f.json}", required=f.required, limit=f.limit,
                         nullable=f.default is None)

    def values(self, where: str, checks: list[tuple[str, Callable]], raw: dict) -> dict:
        """Fields by their core.validation rules, in order; an error names `where.field`.

        One try for the record, and the place is spelled only for an error: this runs for every
        field of every record of a document."""
        out = {}
        key = ""
        try:
            for key, check in checks:
                out[key] = check(raw.get(key))
        except ValidationError as e:
            raise ValidationError(v.placed(f"{where}.{key}", e)) from None
        return out


class _Layout:
    """What the checks of one kind of record need, worked out once per document from core.records."""

    def __init__(self, rec: R.Record, *, today: str | None = None):
        self.rec = rec
        self.required = rec.json_required
        self.id_limit = rec.field(rec.key).limit
        rules = v.rules(rec, today=today)
        self.values = [(rec.field(n).key, check) for n, check in rules.items()]
        imported = [f for f in rec.json_fields if f.imported and f.name != rec.key and f.name not in rules]
        # the status is checked against the vocabulary of the file and the document
        self.keys = [f for f in imported if f.cleaner == "status_key"]
        self.stamps = [(f.key, v.rule(f)) for f in imported if f.cleaner == "timestamp"]
        # the rest have no rule of their own: links to other records, quotes, offsets
        self.plain_fields = [f for f in imported if f.cleaner not in ("status_key", "timestamp")]

    def status(self, ck: _Checker, raw: dict, where: str, known: set) -> dict:
        out = {}
        for f in self.keys:
            value = raw.get(f.json)
            if f.default is not None:
                value = value or f.default
            try:
                out[f.json] = v.status_key(value, known)
            except ValidationError as e:
                raise ValidationError(v.placed(f"{where}.{f.json}", e)) from None
        return out

    def stamped(self, ck: _Checker, raw: dict, where: str) -> dict:
        return ck.values(where, self.stamps, raw)

    def plain(self, ck: _Checker, raw: dict, where: str) -> dict:
        return {f.json: ck.plain(f, raw, where) for f in self.plain_fields}


def validate_document(doc: Any, store: Store | None = None, check: Callable[[], None] | None = None) -> dict:
    """Check a whole document; return it normalised. Raises ValidationError naming the place.

    Reads the file (when given) but never writes. `check()` is called every few hundred items (it
    raises to cancel). Linear in the document: sets and dicts for every lookup, one walk up the
    parents for every item at most once.
    """
    ck = _Checker(doc)
    ck.obj(doc, "The document", required=("format", "version"))
    if doc.get("format") != FORMAT:
        ck.fail("format", f"must be \"{FORMAT}\"; this is not a Policy Tracker document")
    if doc.get("version") not in READS or isinstance(doc.get("version"), bool):
        ck.fail("version", f"is {doc.get('version')!r}; this app reads versions "
                           f"{', '.join(map(str, READS[:-1]))} and {READS[-1]}")

    # One "now" for the whole document: nothing imported may have happened after it. A moment may
    # be CLOCK_SKEW ahead (clocks differ); a date may be today, as in the window.
    latest = v.timestamp((dt.datetime.now(dt.timezone.utc) + CLOCK_SKEW).isoformat(), "now")
    assert latest is not None
    today = dt.date.today().isoformat()
    future = {"moment": (latest, f", now plus {CLOCK_SKEW.seconds // 60} minutes for clocks that differ"),
              "date": (today, ", today")}
    L = {rec.table: _Layout(rec, today=today) for rec in R.all_records()}

    vocabulary = _vocabulary(ck, doc, store)
    known_status = vocabulary["statuses"]
    sources: list[dict] = []
    src_ids: set[str] = set()
    S = L["sources"]
    text_field, sha_field = S.rec.field("text"), S.rec.field("sha256")
    # a missing text is reported at its own place below (sources[0].text: is required), as it always was
    required = tuple(k for k in S.required if k != text_field.json)
    others = [f for f in S.plain_fields if f is not text_field and f is not sha_field]
    for i, s in enumerate(ck.lst(doc.get("sources"), "sources", S.rec.most)):
        w = f"sources[{i}]"
        ck.obj(s, w, required=required)
        sid = ck.ident(s["id"], f"{w}.id", src_ids, S.id_limit)
        text = ck.text(s.get("text"), f"{w}.text", limit=text_field.limit)
        sha = ck.text(s.get("sha256"), f"{w}.sha256", limit=sha_field.limit)
        if text is None:
            ck.fail(f"{w}.text", "is required")
        real = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if sha is not None and sha.lower() != real:
            ck.fail(f"{w}.sha256", "does not match the text (the text was altered or the hash is wrong)")
        src = _not_future({"id": sid, **ck.values(w, S.values, s),
                           **{f.json: ck.plain(f, s, w) for f in others}, "sha256": real, "text": text}, w, future)
        if s.get(ORIGINAL) is not None:
            src[ORIGINAL] = _original(ck, s[ORIGINAL], f"{w}.{ORIGINAL}", text)
        if s.get(EDITIONS) is not None:
            src[EDITIONS] = _editions(ck, s[EDITIONS], f"{w}.{EDITIONS}", real, text, today)
        sources.append(src)

    frameworks: list[dict] = []
    fw_ids: set[str] = set()
    F = L["frameworks"]
    for i, f in enumerate(ck.lst(doc.get("frameworks"), "frameworks", F.rec.most)):
        w = f"frameworks[{i}]"
        ck.obj(f, w, required=F.required)
        fid = ck.ident(f["id"], f"{w}.id", fw_ids, F.id_limit)
        frameworks.append({"id": fid, **ck.values(w, F.values, f), **F.plain(ck, f, w)})

    items: list[dict] = []
    item_ids: set[str] = set()
    sub_ids: set[str] = set()
    version = doc["version"]
    review_entries: list[tuple] = []  # review_fields.read_entry of every entry (version 3 on)

    def review(raw: dict, where: str, kind: str, eid: str, iid: str) -> None:
        got = review_fields.read_entry(ck.fail, raw, where, kind, eid, iid, version)
        if got is not None:
            review_entries.append(got)
    I, C, U, T, O = L["items"], L["citations"], L["status_updates"], L["targets"], L["observations"]  # noqa: E741 - record initials, like F above
    raw_items = ck.lst(doc.get("items"), R.ITEMS.json, I.rec.most)
    for i, it in enumerate(raw_items):
        if check is not None and i % 256 == 0:
            check()
        w = f"items[{i}]"
        ck.obj(it, w, required=I.required)
        iid = ck.ident(it["id"], f"{w}.id", item_ids, I.id_limit)
        # the very rules of the window's item form (core.validation), field by field
        values = ck.values(w, I.values, it)
        status = I.status(ck, it, w, known_status)
        item = _not_future({"id": iid, **I.plain(ck, it, w), **values, **status, **I.stamped(ck, it, w)}, w, future)
        review(it, w, "item", iid, iid)
        cits = []
        for j, c in enumerate(ck.lst(it.get(C.rec.json), f"{w}.{C.rec.json}", C.rec.most)):
            cw = f"{w}.{C.rec.json}[{j}]"
            ck.obj(c, cw, required=C.required)
            cits.append({"id": ck.ident(c["id"], f"{cw}.id", sub_ids, C.id_limit), **C.plain(ck, c, cw),
                         **ck.values(cw, C.values, c)})
            if c.get(PAGE) is not None:  # informational: the page is found again from the stored pages
                ck.offset(c[PAGE], f"{cw}.{PAGE}")
            if (cits[-1]["start"] is None) != (cits[-1]["end"] is None):
                ck.fail(cw, "gives only one of start and end")
            if cits[-1]["start"] is not None and cits[-1]["end"] < cits[-1]["start"]:
                ck.fail(f"{cw}.end", "is before start")
            _placement_fields(ck, cits[-1], c, cw)
        ups = []
        cit_ids = {c["id"] for c in cits}
        for j, u in enumerate(ck.lst(it.get(U.rec.json), f"{w}.{U.rec.json}", U.rec.most)):
            uw = f"{w}.{U.rec.json}[{j}]"
            ck.obj(u, uw, required=U.required)
            uid = ck.ident(u["id"], f"{uw}.id", sub_ids, U.id_limit)
            said = U.plain(ck, u, uw)
            _cites_own(ck, said, cit_ids, uw)
            ups.append(_not_future({"id": uid, **U.status(ck, u, uw, known_status), **ck.values(uw, U.values, u),
                                    **said, **U.stamped(ck, u, uw)}, uw, future))
            review(u, uw, "status_update", uid, iid)
        target = it.get(T.rec.json)
        if target is not None:
            tw = f"{w}.{T.rec.json}"
            ck.obj(target, tw, required=T.required)
            target = ck.clean_record(tw, v.clean_target, target)  # with its rule across fields (dates)
        obs = []
        for j, o in enumerate(ck.lst(it.get(O.rec.json), f"{w}.{O.rec.json}", O.rec.most)):
            ow = f"{w}.{O.rec.json}[{j}]"
            ck.obj(o, ow, required=O.required)
            linked = O.plain(ck, o, ow)
            _cites_own(ck, linked, cit_ids, ow)
            oid = ck.ident(o["id"], f"{ow}.id", sub_ids, O.id_limit)
            obs.append(_not_future({"id": oid, **ck.values(ow, O.values, o), **linked}, ow, future))
            review(o, ow, "observation", oid, iid)
        item.update({C.rec.json: cits, U.rec.json: ups, T.rec.json: target, O.rec.json: obs})
        items.append(item)

    relations: list[dict] = []
    rel_ids: set[str] = set()
    RL = L["relations"]
    for i, r in enumerate(ck.lst(doc.get("relations"), "relations", RL.rec.most)):
        w = f"relations[{i}]"
        ck.obj(r, w, required=RL.required)
        rid = ck.ident(r["id"], f"{w}.id", rel_ids, RL.id_limit)
        values = ck.values(w, RL.values, r)
        rel = {"id": rid, **RL.plain(ck, r, w), **values}
        if rel["from_id"] == rel["to_id"]:
            ck.fail(w, "links an item to itself")
        relations.append(rel)

    # References must resolve within the document or the file it is imported into.
    def exists(table, ids):
        return store.existing_ids(table, ids) if store else set()
    fw_known = fw_ids | exists("frameworks", {it["framework_id"] for it in items} - fw_ids)
    src_known_in_db = exists("sources", {c["source_id"] for it in items for c in it["citations"]} - src_ids)
    src_known = src_ids | src_known_in_db
    item_known = item_ids | exists("items", ({it["parent_id"] for it in items if it["parent_id"]}
                                             | {r["from_id"] for r in relations}
                                             | {r["to_id"] for r in relations}) - item_ids)
    for i, it in enumerate(items):
        if it["framework_id"] not in fw_known:
            ck.fail(f"items[{i}].framework_id",
                    f"'{it['framework_id']}' is not a framework in the document or the file")
        if it["parent_id"] and it["parent_id"] not in item_known:
            ck.fail(f"items[{i}].parent_id", f"'{it['parent_id']}' is not an item in the document or the file")
        if it["parent_id"] == it["id"]:
            ck.fail(f"items[{i}].parent_id", "points at the item itself")
        for j, c in enumerate(it["citations"]):
            if c["source_id"] not in src_known:
                ck.fail(f"items[{i}].citations[{j}].source_id",
                        f"'{c['source_id']}' is not a source in the document or the file")
    _no_loop_of_parents(ck, items, store)
    for i, r in enumerate(relations):
        for end in ("from_id", "to_id"):
            if r[end] not in item_known:
                ck.fail(f"relations[{i}].{end}", f"'{r[end]}' is not an item in the document or the file")

    # A citation, update or observation id already in the file must belong to the same item.
    if store is not None:
        for table, key in (("citations", "citations"), ("status_updates", "status_updates"),
                           ("observations", "observations")):
            owners = store.owners(table, [x["id"] for it in items for x in it[key]])
            for i, it in enumerate(items):
                for j, x in enumerate(it[key]):
                    if owners.get(x["id"], it["id"]) != it["id"]:
                        ck.fail(f"items[{i}].{key}[{j}].id", f"'{x['id']}' already belongs to another item in the file")

    # Offsets must fall inside the text they point into (the file's text wins for known sources).
    texts = {s["id"]: s["text"] for s in sources}
    doc_texts = dict(texts)  # the document's own texts: what its offsets were made in
    if store is not None:  # without a file both sets are empty
        for sid in src_known_in_db | (src_ids & exists("sources", src_ids)):
            row = store.get_source(sid)
            assert row is not None  # the file has it: existing_ids said so
            texts[sid] = row["text"]
    # Offsets beyond the end of the text (a shorter edition) are re-anchored when quotes are placed
    # (_anchor_citation), not refused; a suggestion that does not fit the text is dropped.
    for it in items:
        for c in it["citations"]:
            if c["suggested_end"] is not None and c["suggested_end"] > len(texts[c["source_id"]]):
                c["suggested_start"] = c["suggested_end"] = None
    return {"statuses": vocabulary["new"], "vocabulary": vocabulary["said"], "sources": sources,
            "frameworks": frameworks, "items": items, "relations": relations, "_texts": texts,
            "_doc_texts": doc_texts, "reviews": review_entries}


def _editions(ck: _Checker, raw: Any, where: str, sha: str, text: str, today: str) -> list[dict]:
    """A source's `editions`: numbered 1, 2, 3... in order, each text matching its sha256, the last
    one the source's own text (given without its text)."""
    out = []
    got = ck.lst(raw, where, MAX_EDITIONS)
    for n, e in enumerate(got, start=1):
        ew = f"{where}[{n - 1}]"
        ck.obj(e, ew, required=("edition", "sha256"), optional=(*EDITION_KEYS, ORIGINAL))
        if ck.offset(e["edition"], f"{ew}.edition") != n:
            ck.fail(f"{ew}.edition", f"must be {n}: editions are numbered 1, 2, 3... oldest first")
        last = n == len(got)
        body = ck.text(e.get("text"), f"{ew}.text", limit=v.MAX_SOURCE_TEXT)
        if last:
            if body is not None and body != text:
                ck.fail(f"{ew}.text", "is not the source's text; the newest edition is the source's text")
            body = text
        elif body is None:
            ck.fail(f"{ew}.text", "is required for an edition before the newest")
        else:
            ck.clean(f"{ew}.text", v.check_unicode, body, "text")
        given = ck.text(e["sha256"], f"{ew}.sha256", limit=64)
        real = sha if last else hashlib.sha256(body.encode("utf-8")).hexdigest()
        if (given or "").lower() != real:
            ck.fail(f"{ew}.sha256", "does not match the edition's text")
        published = ck.clean(f"{ew}.published_on", v.parse_date, e.get("published_on"), "published_on")
        if published is not None and published > today:
            ck.fail(f"{ew}.published_on", f"{published} is in the future (after {today}, today)")
        note = ck.clean(f"{ew}.note", v.clean_text, e.get("note"), "note", limit=1_000) or ""
        got_file = None
        if e.get(ORIGINAL) is not None:
            if last:
                ck.fail(f"{ew}.{ORIGINAL}", "belongs to the source itself for its newest edition")
            got_file = _original(ck, e[ORIGINAL], f"{ew}.{ORIGINAL}", body)
        out.append({"edition": n, "sha256": real, "text": body, "published_on": published, "note": note,
                    ORIGINAL: got_file})
    return out


def _placement_fields(ck: _Checker, c: dict, raw: dict, where: str) -> None:
    """A citation's state, suggestion, figures flag and places in earlier editions (version 3)."""
    if c["figures_changed"] is None:
        c["figures_changed"] = 0  # before version 3
    if c["figures_changed"] not in (0, 1):
        ck.fail(f"{where}.figures_changed", "must be 0 or 1")
    if (c["suggested_start"] is None) != (c["suggested_end"] is None):
        ck.fail(where, "gives only one of suggested_start and suggested_end")
    if c["suggested_start"] is not None and c["suggested_end"] < c["suggested_start"]:
        ck.fail(f"{where}.suggested_end", "is before suggested_start")
    waiting = c["anchor_state"] in TO_CHECK
    if waiting and c["start"] is not None:
        ck.fail(f"{where}.anchor_state", f"is '{c['anchor_state']}', which has no place in the text, but start "
                                         f"and end are given")
    if c["anchor_state"] != "review":
        c["suggested_start"] = c["suggested_end"] = None
    places: list[dict] = []
    for k, p in enumerate(ck.lst(raw.get(PLACEMENTS, []), f"{where}.{PLACEMENTS}", MAX_EDITIONS)):
        pw = f"{where}.{PLACEMENTS}[{k}]"
        ck.obj(p, pw, required=("edition", "quote", "anchor_state"), optional=PLACEMENT_KEYS)
        edition = ck.offset(p["edition"], f"{pw}.edition")
        if edition is None or edition < 1:
            ck.fail(f"{pw}.edition", "must be a whole number from 1")
        start, end = ck.offset(p.get("start"), f"{pw}.start"), ck.offset(p.get("end"), f"{pw}.end")
        if (start is None) != (end is None) or (start is not None and end is not None and end < start):
            ck.fail(pw, "needs both start and end, end not before start, or neither")
        quote = ck.text(p["quote"], f"{pw}.quote", required=True, limit=R.MAX_TEXT)
        state = ck.clean(f"{pw}.anchor_state", v.anchor_state, p["anchor_state"])
        if places and edition <= places[-1]["edition"]:
            ck.fail(f"{pw}.edition", "must come after the edition before it")
        places.append({"edition": edition, "start": start, "end": end, "quote": quote, "anchor_state": state})
    c[PLACEMENTS] = places


def _original(ck: _Checker, raw: Any, where: str, text: str) -> dict:
    """A source's `original`: the file as store.source_files keeps it, its bytes decoded from base64
    and checked against its size and sha256, its pages numbered from 1 and in order within `text`."""
    ck.obj(raw, where, required=ORIGINAL_KEYS)
    name = ck.text(raw["file_name"], f"{where}.file_name", required=True, limit=MAX_FILE_NAME)
    media = ck.text(raw["media_type"], f"{where}.media_type", required=True, limit=200)
    if media not in FILE_LIMITS:
        ck.fail(f"{where}.media_type", f"'{str(media)[:60]}' is not a kind of file this app reads "
                                       f"({', '.join(sorted(FILE_LIMITS))})")
    limit = FILE_LIMITS[str(media)]
    size = ck.offset(raw["size"], f"{where}.size")
    if size is None:
        ck.fail(f"{where}.size", "is required")
    if size > limit:
        ck.fail(f"{where}.size", f"is {size:,} bytes; the limit for this kind of file is {limit:,}")
    encoded = ck.text(raw["content_base64"], f"{where}.content_base64", required=False, nullable=False,
                      limit=4 * (limit // 3 + 1))
    try:
        content = base64.b64decode(encoded or "", validate=True)
    except (binascii.Error, ValueError):
        ck.fail(f"{where}.content_base64", "is not valid base64")
    if len(content) != size:
        ck.fail(f"{where}.size", f"is {size:,} but content_base64 decodes to {len(content):,} bytes")
    sha = ck.text(raw["sha256"], f"{where}.sha256", required=True, limit=64)
    if hashlib.sha256(content).hexdigest() != str(sha).lower():
        ck.fail(f"{where}.sha256", "does not match the bytes of content_base64 (the file was altered or the hash "
                                   "is wrong)")
    pages: list[list[int]] = []
    last = 0
    for n, p in enumerate(ck.lst(raw["pages"], f"{where}.pages", limit=FILE_LIMITS_PAGES), start=1):
        pw = f"{where}.pages[{n - 1}]"
        if not isinstance(p, list) or len(p) != 3 or any(isinstance(x, bool) or not isinstance(x, int) for x in p):
            ck.fail(pw, "must be [page, start, end], three whole numbers")
        page, start, end = p
        if page != n:
            ck.fail(pw, f"is page {page}; pages are numbered 1, 2, 3... in order, so this one must be {n}")
        if not last <= start <= end <= len(text):
            ck.fail(pw, f"[{start}, {end}] does not lie within the text ({len(text):,} characters) after the "
                        f"page before it")
        last = end
        pages.append([page, start, end])
    return {"file_name": name, "media_type": media, "sha256": hashlib.sha256(content).hexdigest(), "size": size,
            "content": content, "pages": pages}


# Which imported fields say when something happened, and which limit applies to them.
FACTS = {"created_at": "moment", "updated_at": "moment", "published_on": "date", "observed_on": "date"}


def _cites_own(ck, row: dict, cit_ids: set[str], where: str) -> None:
    """An update's or observation's evidence must be one of its own item's citations in the document."""
    cid = row.get("citation_id")
    if cid is not None and cid not in cit_ids:
        ck.fail(f"{where}.citation_id", f"'{cid}' is not one of this item's citations")


def _not_future(row: dict, where: str, future: dict) -> dict:
    """`row` unchanged, or a refusal naming the first of its dates or moments after now."""
    for name, kind in FACTS.items():
        value = row.get(name)
        if value is not None:
            limit, why = future[kind]
            try:
                v.not_after(value, limit, name, why)
            except ValidationError as e:
                raise ValidationError(v.placed(f"{where}.{name}", e)) from None
    return row


def _no_loop_of_parents(ck: _Checker, items: list[dict], store: Store | None) -> None:
    """Refuse the first item that would end up inside itself; each item is walked through once.

    An item's parent is the document's when the document has the item, else the file's.
    """
    parents = {it["id"]: it["parent_id"] for it in items}
    done: set[str] = set()  # items known to lead up to a top-level item
    for i, it in enumerate(items):
        walk: list[str] = []
        on_walk: set[str] = set()
        cur = it["id"]
        while cur and cur not in done:
            if cur in on_walk:
                ck.fail(f"items[{i}].parent_id", "makes the item a parent of itself (a loop of parents)")
            on_walk.add(cur)
            walk.append(cur)
            if cur in parents:
                cur = parents[cur]
            else:
                row = store.get_item(cur) if store else None
                cur = row["parent_id"] if row else None
        done.update(walk)


def _vocabulary(ck: _Checker, doc: dict, store: Store | None) -> dict:
    """Check the document's statuses (and item or relation kinds, if it lists them).

    A built-in entry (core.model.BUILT_IN) or one the file already has may be repeated exactly,
    never redefined; a new key must be ASCII (core.validation.vocabulary_key) and its label must
    not be one that another entry already shows. Only statuses can be added by an import; each one
    added is said in the summary. Returns {"statuses": every status key the items may use, "new":
    the status rows to add, "said": the summary's phrases}.
    """
    out: dict[str, Any] = {"new": [], "said": []}
    have = {"statuses": {r["key"]: (r["label"], r["description"]) for r in store.statuses()} if store else {}}
    for section, what in VOCABULARY:
        entries = ck.lst(doc.get(section), section, R.STATUSES.most)
        existing = {**have.get(section, {}), **BUILT_IN[section]}
        labels = {_same_label(lab): key for key, (lab, _d) in existing.items()}
        seen: dict[str, int] = {}
        for i, raw in enumerate(entries):
            w = f"{section}[{i}]"
            ck.obj(raw, w, required=("key", "label"))
            key = ck.clean(f"{w}.key", v.vocabulary_key, raw["key"])
            if key in seen:
                ck.fail(f"{w}.key", f"repeats the {what} '{key}' of {section}[{seen[key]}]")
            seen[key] = i
            label = ck.clean(f"{w}.label", v.clean_text, raw["label"], "label", required=True,
                             limit=R.STATUSES.field("label").limit).strip()
            desc = ck.text(raw.get("description"), f"{w}.description", limit=R.STATUSES.field("description").limit)
            if key in existing:
                old_label, old_desc = existing[key]
                known = "is built in" if key in BUILT_IN[section] else "is already in the file"
                if label != old_label:
                    ck.fail(w, f"'{key}' {known}; its label cannot be changed by an import")
                if desc is not None and desc != old_desc:
                    ck.fail(w, f"'{key}' {known}; its description cannot be changed by an import")
                continue
            if section != "statuses":
                ck.fail(f"{w}.key", f"'{key}' is not an {what} of this app; an import cannot add {what}s")
            other = labels.get(_same_label(label))
            if other is not None:
                ck.fail(f"{w}.label", f"'{label}' is already the label of the {what} '{other}'; "
                                      f"give '{key}' a label of its own")
            labels[_same_label(label)] = key
            out["new"].append({"key": key, "label": label, "description": desc or ""})
            out["said"].append(f"adds {what} '{key}' (label '{label}')")
        if section == "statuses":
            out["statuses"] = set(existing) | set(seen)
    return out


def _same_label(label: str) -> str:
    """A label as it looks: compatibility forms folded, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


# -- import: prepare (read, check, place quotes; no writes), then apply (one short write) ------------
@dataclass
class Prepared:
    """A document checked against a file and its quotes placed, ready to be written.

    `document` is the document as read (undo photographs the records it names); `stamp` tells
    whether the file changed since: if it did, apply checks the document again in its transaction.
    Quotes placed stay placed (`anchors`), whatever happens to the file (source texts never change).
    """

    document: Any
    clean: dict
    stamp: tuple
    anchors: dict = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:  # reads like the document it holds
        return self.document.get(key, default) if isinstance(self.document, dict) else default


def _stamp(store: Store) -> tuple:
    """Changes whenever this connection or another one has written to the file."""
    return (store.data_version(), store.conn.total_changes)


def prepare_import(store: Store, doc: Any, progress: ProgressFn | None = None,
                   cancelled: Callable[[], bool] | None = None) -> Prepared:
    """Check a whole document against the file and place its quotes, writing nothing.

    Every step is linear in the document (or n log n), and the slow one, placing quotes in their
    source texts, happens here, before any write transaction. `progress(done, total)` hears of each
    quote placed (returning False cancels, as the window's progress dialog does) and `cancelled()`
    is asked as often; either raises ImportCancelled (a core.model.Cancelled).
    """
    def check() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
    check()
    clean = validate_document(doc, store, check)
    prepared = Prepared(doc, clean, _stamp(store))
    _place_quotes(store, prepared, progress, check)
    return prepared


def _place_quotes(store: Store, prepared: Prepared, progress: ProgressFn | None,
                  check: Callable[[], None]) -> None:
    """Place every new citation's quote (core.anchoring), once per distinct quote and context."""
    clean = prepared.clean
    have = store.existing_ids("citations", [c["id"] for it in clean["items"] for c in it["citations"]])
    todo = [c for it in clean["items"] for c in it["citations"] if c["id"] not in have]
    # grouped by source (a stable sort): core.anchoring builds one index per text, kept while it is reused
    todo.sort(key=lambda c: c["source_id"])
    texts = clean["_texts"]
    stale = _stale_places(todo, texts, clean.get("_doc_texts") or {})
    for n, c in enumerate(todo, start=1):
        text = texts[c["source_id"]]
        key = (c["source_id"], len(text), c["quote"], c["prefix"], c["suffix"], c["start"], c["end"],
               c["anchor_state"], c["suggested_start"], c["suggested_end"], c["figures_changed"])
        if key not in prepared.anchors:
            prepared.anchors[key] = _anchor_citation(dict(c), text, stale.get(id(c)))
        c.update(prepared.anchors[key])
        check()
        if progress is not None and (n % 50 == 0 or n == len(todo)) and progress(n, len(todo)) is False:
            raise ImportCancelled()


def _stale(c: dict, text: str) -> bool:
    """Offsets given that no longer fit the quote (beyond a shorter text, or on other words)."""
    return c["start"] is not None and (c["end"] > len(text) or text[c["start"]:c["end"]] != c["quote"])


def _stale_places(todo: list[dict], texts: dict[str, str], doc_texts: dict[str, str]) -> dict[int, Any]:
    """{id(citation): its core.reanchor Placement} for the citations whose offsets no longer fit
    the file's text of their source, one engine call per source (each text read once).

    When the document carries the text its offsets were made in (another edition of a source the
    file has), they are followed from that text to the file's through the diff (core.reanchor.reanchor,
    never placed on other words). Otherwise only the quote and its context are known
    (place_quotes): a word-for-word copy of a passage with the same surroundings cannot be told
    from the passage itself, so words found elsewhere are only suggested, for a person to accept."""
    by_source: dict[str, list[dict]] = {}
    for c in todo:
        if _stale(c, texts[c["source_id"]]) and not (c["anchor_state"] in (*TO_CHECK, "gone") and c["start"] is None):
            by_source.setdefault(c["source_id"], []).append(c)
    if not by_source:
        return {}
    from ..core import reanchor  # here: it brings the diff engine, which start-up does not need
    out: dict[int, Any] = {}
    for sid, cits in by_source.items():
        text, theirs = texts[sid], doc_texts.get(sid)
        followed = [c for c in cits if theirs is not None and theirs != text and not _stale(c, theirs)]
        if followed:
            assert theirs is not None
            found = reanchor.reanchor(theirs, text, [reanchor.Anchor(c["start"], c["end"], c["quote"])
                                                     for c in followed])
            out.update({id(c): p for c, p in zip(followed, found, strict=True)})
        rest = [c for c in cits if id(c) not in out]
        if rest:
            found = reanchor.place_quotes(text, [reanchor.Anchor(c["start"], c["end"], c["quote"], c["prefix"],
                                                                 c["suffix"]) for c in rest])
            out.update({id(c): _only_suggested(p, reanchor) for c, p in zip(rest, found, strict=True)})
    return out


def _only_suggested(p: Any, reanchor: Any) -> Any:
    """place_quotes' placement elsewhere as a suggestion for a person (see _stale_places)."""
    if p.state in reanchor.PLACED and p.state != "exact" and p.start is not None and p.end is not None:
        return reanchor.Placement("review", suggestion=(p.start, p.end), figures_changed=p.figures_changed,
                                  reason="The offsets no longer fit; these words were found elsewhere.")
    return p


def import_document(store: Store, doc: Any, progress: ProgressFn | None = None) -> ImportReport:
    """Merge a document by id in one transaction (all or nothing).

    `doc` is a Prepared (prepare_import, run before the transaction: the quick way) or a document
    as read, which is then prepared here, inside the caller's transaction if there is one.
    """
    prepared = doc if isinstance(doc, Prepared) else prepare_import(store, doc, progress)
    with store.write():
        if _stamp(store) != prepared.stamp:  # the file changed since: check again, against it now
            clean = validate_document(prepared.document, store)
            fresh = Prepared(prepared.document, clean, prepared.stamp, prepared.anchors)
            _place_quotes(store, fresh, None, lambda: None)
        else:
            clean = prepared.clean
        return _apply(store, clean, progress)


def _apply(store: Store, clean: dict, progress: ProgressFn | None) -> ImportReport:
    """Write a checked document (inside the caller's transaction)."""
    report = ImportReport(vocabulary=list(clean["vocabulary"]))
    total = len(clean["items"]) + len(clean["sources"]) + len(clean["relations"])
    done = 0

    def tick(n=1):
        nonlocal done
        done += n
        if progress and (done % 200 == 0 or done == total) and progress(done, total) is False:
            raise ImportCancelled()

    for s in clean["statuses"]:
        store.upsert_status(s)
    have = store.existing_ids("sources", [s["id"] for s in clean["sources"]])
    for s in clean["sources"]:
        if s["id"] in have:
            report.unchanged += 1  # a source already in the file keeps its text
        else:
            eds = s.get(EDITIONS) or []
            row = {k: val for k, val in s.items() if k not in (ORIGINAL, EDITIONS)}
            if len(eds) > 1:  # the first edition makes the source (a trigger keeps it), the others follow
                store.insert_source(dict(row, text=eds[0]["text"], sha256=eds[0]["sha256"],
                                         published_on=eds[0]["published_on"]))
                store.update_source_meta(s["id"], {"published_on": row.get("published_on")})
                for e in eds:
                    if e["edition"] > 1:
                        editions.add(store, s["id"], e["edition"], e["text"], e["sha256"],
                                     published_on=e["published_on"], note=e["note"])
                    if e.get(ORIGINAL) is not None:  # an earlier edition's own file and pages
                        source_files.insert_original(store, s["id"], e[ORIGINAL], edition=e["edition"])
            else:
                store.insert_source(row)
            if s.get(ORIGINAL) is not None:  # the file and its pages, as add-source keeps them
                source_files.insert_original(store, s["id"], s[ORIGINAL], edition=max(len(eds), 1))
            report.bump("sources")
        tick()
    have = store.existing_ids("frameworks", [f["id"] for f in clean["frameworks"]])
    for f in clean["frameworks"]:
        if f["id"] in have:
            cur = store.get_framework(f["id"])
            assert cur is not None  # in `have`, in this same transaction
            if any(cur[k] != f[k] for k in R.FRAMEWORKS.content):
                store.update_framework(f["id"], f)
                report.bump("frameworks", "updated")
        else:
            store.insert_framework(f)
            report.bump("frameworks")
    have_items = store.existing_ids("items", [it["id"] for it in clean["items"]])
    sub = [x["id"] for it in clean["items"] for x in it["citations"]]
    have_cits = store.existing_ids("citations", sub)
    have_ups = store.existing_ids("status_updates",
                                  [u["id"] for it in clean["items"] for u in it["status_updates"]])
    have_obs = store.existing_ids("observations", [o["id"] for it in clean["items"] for o in it["observations"]])
    deferred_parents = []
    # an update without a created_at is written now; the status rule must see that same moment
    now = v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "created_at")
    for it in clean["items"]:
        for u in it["status_updates"]:
            u["created_at"] = u["created_at"] or now
        for c in it["citations"]:
            if c["id"] not in have_cits:
                _report_anchor(c, it, report)
        if it["id"] not in have_items:
            # a new item: its own history decides its status; with none, its stated status stands
            status = status_rule.current_status(it["status"], it["status_updates"])
            if status != it["status"]:
                report.status_from_history.append(_label(it))
            row = {k: val for k, val in it.items() if val is not None or k == "parent_id"}
            row["status"] = status
            if it["parent_id"]:
                deferred_parents.append((it["id"], it["parent_id"]))
                row["parent_id"] = None
            store.insert_item_tree(row)
            report.bump("items")
        else:
            _merge_item(store, it, have_cits, have_ups, have_obs, report, deferred_parents)
        tick()
    for iid, pid in deferred_parents:
        # linking a parent is part of restoring the record, not a new edit: keep updated_at
        store.update_item(iid, {"parent_id": pid, "updated_at": store.require_item(iid)["updated_at"]})
    for r in clean["relations"]:
        if store.get_relation(r["id"]) is None and not store.relation_exists(r["from_id"], r["to_id"], r["kind"]):
            store.insert_relation(r)
            report.bump("relations")
        tick()
    _put_placements(store, clean)
    report.added.pop("citations", None)  # they come with their items; the items are counted
    if clean.get("reviews"):
        n = review_fields.apply(store, clean["reviews"], have_items | have_ups | have_obs)
        if n:
            report.added["review decisions"] = n
    return report


def _put_placements(store: Store, clean: dict) -> None:
    """Each citation's places in earlier editions its source has in the file (those the file already
    holds are kept; a place in an edition the file does not have is left out)."""
    wanted = [c for it in clean["items"] for c in it["citations"] if c.get(PLACEMENTS)]
    if not wanted:
        return
    newest = {sid: editions.newest(store, sid) for sid in {c["source_id"] for c in wanted}}
    for c in wanted:
        editions.insert_placements(store, c["id"], [p for p in c[PLACEMENTS] if p["edition"] < newest[c["source_id"]]])


def _merge_item(store, it, have_cits, have_ups, have_obs, report, deferred_parents):
    """Merge a document's copy of an item the file already has.

    The newer copy (by updated_at) gives the fields; the histories are united; then the status is
    the one the united history gives (core.status_rule), as after adding updates in the window:
    an update dated after the item's latest one moves it, an earlier one does not.
    """
    cur = store.get_item(it["id"])
    # what the item says, but its parent: a parent may come later in the document, so it is linked last
    fields = R.ITEMS.derive(("jsonio.merged",),
                            lambda r: tuple(n for n in r.content if r.field(n).refers_to != r.table))
    newer = (it.get("updated_at") or "") >= (cur["updated_at"] or "")
    added_updates = False
    for u in it["status_updates"]:
        if u["id"] not in have_ups:
            store.insert_status_update({**{k: val for k, val in u.items() if val is not None}, "item_id": it["id"]})
            report.bump("status_updates")
            added_updates = True
    # Only a dated update moves the status of an item the file has (core.status_rule over the united
    # history): never the document's `status`, whatever its updated_at says.
    status = cur["status"]
    if added_updates:
        status = status_rule.current_status(cur["status"], store.status_updates_for_item(it["id"]))
    if newer and status != it["status"]:
        (report.status_from_history if added_updates or it["status_updates"] else report.status_kept).append(
            _label(it))
    upd = {**{k: it[k] for k in fields}, "status": status}
    updated = False
    if newer and any(cur[k] != upd[k] for k in fields):
        if it.get("updated_at"):
            upd["updated_at"] = it["updated_at"]
        store.update_item(it["id"], upd)
        updated = True
    elif status != cur["status"]:  # only the history moved it: a change made now, like an edit
        store.update_item(it["id"], {"status": status})
        updated = True
    if newer and it["parent_id"] != cur["parent_id"]:
        if it["parent_id"]:
            deferred_parents.append((it["id"], it["parent_id"]))
        else:  # the newer document has it at the top of its framework
            store.update_item(it["id"], {"parent_id": None, "updated_at": store.require_item(it["id"])["updated_at"]})
            updated = True
    if updated:
        report.bump("items", "updated")
    for c in it["citations"]:
        if c["id"] not in have_cits:
            store.insert_citation({**c, "item_id": it["id"]})
            report.bump("citations")
    if newer and it["target"] != store.get_target(it["id"]) and it["target"] is not None:
        store.set_target(it["id"], it["target"])
    for o in it["observations"]:
        if o["id"] not in have_obs:
            store.insert_observation({**o, "item_id": it["id"]})
            report.bump("observations")


def _label(item: dict) -> str:
    return f"{item['ref'] or ''} {item['title'][:60]}".strip()


def _anchor_citation(c: dict, text: str, placed: Any = None) -> dict:
    """Make offsets agree with the quote: keep them, re-anchor, or leave the citation unplaced.

    Pure: returns the citation's placed fields (start, end, quote, prefix, suffix, anchor_state,
    suggested_start, suggested_end, figures_changed) and `_placed`, how it was placed ("kept",
    "unplaced", "review", a state of core.reanchor or a method of core.anchoring).

    Offsets that no longer fit the text (a shorter or changed edition) are re-anchored with
    core.reanchor.place_quotes (`placed`: its answer, asked once per source by _stale_places),
    which places a quote only on its own words and otherwise leaves it to a person ('review',
    with a suggestion when there is one) or 'not_found'. A citation with no offsets is looked for
    by its quote (core.anchoring), unless it is waiting for a person: it
    stays so (its suggestion kept when it fits).
    """
    fields = ("start", "end", "quote", "prefix", "suffix", "anchor_state", "suggested_start", "suggested_end",
              "figures_changed")

    def out(placed: str) -> dict:
        return {**{k: c[k] for k in fields}, "_placed": placed}

    if c["anchor_state"] in (*TO_CHECK, "gone") and c["start"] is None:  # waiting for a person, or decided
        return out("kept" if c["anchor_state"] in ("review", "gone") else "unplaced")
    if c["start"] is not None and c["end"] <= len(text) and text[c["start"]:c["end"]] == c["quote"]:
        method = "kept"
    elif c["start"] is not None:
        from ..core import reanchor  # here: it brings the diff engine, which start-up does not need
        p = placed or _only_suggested(reanchor.place_quotes(
            text, [reanchor.Anchor(c["start"], c["end"], c["quote"], c["prefix"], c["suffix"])])[0], reanchor)
        c["figures_changed"] = int(bool(p.figures_changed))
        c["suggested_start"] = c["suggested_end"] = None
        if p.state not in reanchor.PLACED or p.start is None or p.end is None:
            c.update(start=None, end=None, anchor_state=p.state)
            if p.state == "review" and p.suggestion is not None:
                c["suggested_start"], c["suggested_end"] = p.suggestion
            return out("review" if p.state == "review" else "unplaced")
        c.update(start=p.start, end=p.end, quote=text[p.start:p.end], anchor_state=p.state)
        c["prefix"], c["suffix"] = anchoring.context(text, p.start, p.end)
        return out(p.state)
    else:
        found = anchoring.anchor(text, c["quote"], c["prefix"], c["suffix"], c["start"], c["end"])
        if found is None:
            c.update(anchor_state="not_found", suggested_start=None, suggested_end=None)
            return out("unplaced")
        c["start"], c["end"] = found.start, found.end
        c["anchor_state"] = "exact"
        if found.method == "fuzzy":
            c["quote"] = text[found.start:found.end]
            c["anchor_state"] = "reworded"
        method = found.method
    if not c["prefix"] and not c["suffix"]:
        assert c["start"] is not None and c["end"] is not None  # kept or found: placed
        c["prefix"], c["suffix"] = anchoring.context(text, c["start"], c["end"])
    return out(method)


def _report_anchor(c: dict, item: dict, report: ImportReport) -> None:
    """Say in the report how a new citation was placed (the `_placed` mark is not stored)."""
    method = c.get("_placed", "kept")
    if method == "unplaced":
        report.unplaced.append(f"{_label(item)}: {c['quote'][:60]!r}")
    elif method == "review":
        report.to_check.append(f"{_label(item)}: {c['quote'][:60]!r}")
    elif method != "kept":
        report.reanchored.append(f"{_label(item)}: {method}")
