"""Spreadsheets in: read a CSV or XLSX sheet, map its columns to item fields, check every row.

The sheet becomes an exchange document (app/exchange/jsonio.py's shape) that jsonio's import
merges by id, so a sheet obeys the rules of the window's item form and is undone like any
import. Nothing here writes, and nothing imports Qt: the command line (sheet_commands.py) and
the window's dialog (app/ui/sheet_import.py) both build a `Plan` and show its rows.

- Columns are matched to fields by header (a field's name or the label the app shows, any case),
  or by an explicit mapping (`--map ref=Code`). Columns that fill no field are listed, never
  silently dropped.
- Every row is checked, and every bad row is reported at once as `line N: what is wrong`, the
  header being line 1.
- A row's item is found again by framework and ref: the item already in the framework with that
  ref, or else an id derived from both (uuid5), so importing the same sheet twice updates.
- Formulas are never evaluated: an XLSX cell holding a formula is imported as the value the
  spreadsheet program saved with it; a formula saved without a value, or whose value is an
  error (#REF!...), is a row error.
- The protective `'` that CSV export puts before = + - @ tab and CR is removed (neutralise()/
  unquote() are exact inverses).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import records as R
from ..core import validation as v
from ..core.model import ValidationError, new_id
from ..store.guard import refuse_database_file
from ..store.store import Store

# the item fields a sheet may fill, in the order the preview shows them
FIELDS = ("ref", "title", "kind", "parent", "status", "due_on", "description", "actor", "tags")
MAX_BYTES = 64 * 1024 * 1024  # the file itself
MAX_UNZIPPED = 512 * 1024 * 1024  # an XLSX's parts once unpacked (a zip bomb is refused before parsing)
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_SHOWN = 50  # bad rows listed in one message; the rest are counted
# Ids of items first made by a sheet: uuid5(namespace, framework id + ref).
SHEET_NAMESPACE = uuid.UUID("3b0e5f0c-9a1d-4c57-8f0e-5d1c2a7e4b61")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"))


class SheetRowsError(ValidationError):
    """Several rows are bad: `lines` holds each as `line N: what is wrong`."""

    def __init__(self, name: str, lines: list[str]):
        self.lines = lines
        super().__init__(rows_message(name, lines))


def rows_message(name: str, lines: list[str]) -> str:
    """One sentence, then each bad row on its own line (at most MAX_SHOWN, then how many more)."""
    n = len(lines)
    if n == 1:  # one sentence on one line: "annex.csv line 4: kind 'wish' is not one of: ..."
        return f"{name} {lines[0]}."
    rows = len({x.split(":", 1)[0] for x in lines})
    head = f"{name} has {rows} bad row{'s' if rows != 1 else ''}; nothing was imported."
    shown = lines[:MAX_SHOWN]
    more = [f"and {n - MAX_SHOWN} more"] if n > MAX_SHOWN else []
    return "\n".join([head, *shown, *more])


# -- the protective quote ----------------------------------------------------------------------
def neutralise(value) -> str:
    """Text a spreadsheet would run as a formula gets a leading `'` (so does text that already
    starts with quotes before such a character, so that unquote() gives back exactly the text)."""
    text = "" if value is None else str(value)
    if text.lstrip("'")[:1] in DANGEROUS and text.lstrip("'") != "":
        return "'" + text
    return text


def unquote(text: str) -> str:
    """Remove the one `'` that neutralise() adds: only before quotes then = + - @ tab or CR."""
    if text[:1] == "'" and text.lstrip("'")[:1] in DANGEROUS and text.lstrip("'") != "":
        return text[1:]
    return text


# -- reading -----------------------------------------------------------------------------------
@dataclass
class Sheet:
    """A sheet as read: its header, and its non-blank rows with their line numbers (header = 1)."""

    name: str  # the file's name, for messages
    header: list[str]
    rows: list[tuple[int, list[str | None]]]
    sheet_names: list[str] = field(default_factory=list)  # an XLSX's sheets; [] for CSV
    sheet: str = ""
    # {(line, column index): what is wrong}: formulas saved without a value, or with an error
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)


def is_xlsx(path: Path | str) -> bool:
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read(path: Path | str, sheet: str | None = None) -> Sheet:
    """Read a CSV or XLSX file (the first sheet, or `sheet`). Raises ValidationError in one sentence."""
    refuse_database_file(path, "import")  # before any stat or open: closing one drops our locks
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".numbers"):
        raise ValidationError(f"{path.name} is not a CSV or XLSX file; save it as .xlsx or .csv first.")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValidationError(f"{path} cannot be read: {e.strerror}.") from None
    if not path.is_file():
        raise ValidationError(f"{path} is not a file.")
    if size > MAX_BYTES:
        raise ValidationError(f"{path.name} is {size / 1e6:.0f} MB; the sheet import limit is "
                              f"{MAX_BYTES / 1e6:.0f} MB.")
    if is_xlsx(path):
        return _read_xlsx(path, sheet)
    if sheet:
        raise ValidationError(f"--sheet names a sheet of an XLSX workbook; {path.name} is a CSV file.")
    return read_csv(path, sniff=True)


def csv_text(path: Path) -> str:
    """A CSV file's text: UTF-8 (with or without a byte order mark); UTF-16 and binary are refused."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ValidationError(f"{path} cannot be read: {e.strerror}.") from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw:
        raise ValidationError(f"{path.name} is UTF-16 or binary; save it as UTF-8 CSV.")
    if raw[:2] == b"PK":
        raise ValidationError(f"{path.name} is a zipped file (an Excel workbook?); name it .xlsx or save it as CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationError(f"{path.name} is not UTF-8 text (bad byte at position {e.start}).") from None


def read_csv(path: Path | str, *, sniff: bool = False) -> Sheet:
    """A CSV sheet, every cell without the export's protective quote. With `sniff`, a header with
    no comma but semicolons or tabs is read with those (spreadsheets in some languages write them)."""
    path = Path(path)
    text = csv_text(path)
    delimiter = ","
    if sniff:
        first = text.split("\n", 1)[0]
        if "," not in first:
            delimiter = ";" if ";" in first else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str | None]]] = []
    header: list[str] | None = None
    n = 0
    try:
        for n, cells in enumerate(reader, start=1):
            if n > MAX_ROWS + 1:
                raise ValidationError(f"{path.name} has more than {MAX_ROWS:,} rows.")
            if header is None:
                header = [unquote(c).strip() for c in cells]
                continue
            if any(c.strip() for c in cells):
                rows.append((n, [unquote(c) for c in cells]))
    except csv.Error as e:
        raise ValidationError(f"{path.name} line {n + 1} is not readable CSV: {e}.") from None
    if not header or not any(header):
        raise ValidationError(f"{path.name} is empty; its first row must name the columns.")
    if len(header) > MAX_COLUMNS:
        raise ValidationError(f"{path.name} has {len(header):,} columns; the limit is {MAX_COLUMNS:,}.")
    return Sheet(path.name, header, rows)


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    try:
        with zipfile.ZipFile(path) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ValidationError(f"{path.name} is not an XLSX workbook (it is damaged, or another kind of "
                              f"file).") from None
    if unzipped > MAX_UNZIPPED:
        raise ValidationError(f"{path.name} unpacks to {unzipped / 1e6:.0f} MB; the limit is "
                              f"{MAX_UNZIPPED / 1e6:.0f} MB.")
    import openpyxl  # here: only a workbook needs it

    def open_book(data_only: bool):
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
        except Exception as e:  # noqa: BLE001 - InvalidFileException, BadZipFile, a parser's error: a bad file
            raise ValidationError(f"{path.name} could not be read as an XLSX workbook ({type(e).__name__}).") from None

    values_book = open_book(True)  # the values the spreadsheet program saved
    formulas_book = open_book(False)  # only to know which cells hold formulas: they are never run
    try:
        names = list(values_book.sheetnames)
        if not names:
            raise ValidationError(f"{path.name} has no sheets.")
        chosen = sheet if sheet else names[0]
        if chosen not in names:
            raise ValidationError(f"{path.name} has no sheet named '{chosen}'; its sheets are "
                                  f"{', '.join(repr(n) for n in names)}.")
        ws, wf = values_book[chosen], formulas_book[chosen]
        for w in (ws, wf):
            w.reset_dimensions()  # a file's claimed size is not trusted: rows are as wide as their cells
        header: list[str] | None = None
        rows: list[tuple[int, list[str | None]]] = []
        bad: dict[tuple[int, int], str] = {}
        both = zip(ws.iter_rows(values_only=True), wf.iter_rows(), strict=True)  # the same rows, two ways
        for line, (vals, cells) in enumerate(both, start=1):
            if line > MAX_ROWS + 1:
                raise ValidationError(f"{path.name} has more than {MAX_ROWS:,} rows.")
            if len(vals) > MAX_COLUMNS:
                raise ValidationError(f"{path.name} line {line} has {len(vals):,} columns; the limit is "
                                      f"{MAX_COLUMNS:,}.")
            texts = [cell_text(x) for x in vals]
            bad_here = False
            for col, c in enumerate(cells):
                if getattr(c, "data_type", None) == "f":
                    saved = vals[col] if col < len(vals) else None
                    where = f"column {column_letter(col)}"
                    if saved is None:
                        bad_here = True
                        bad[(line, col)] = (f"{where} holds a formula saved without its value; open the file in "
                                            f"a spreadsheet program and save it, or paste values")
                    elif isinstance(saved, str) and saved.strip() in EXCEL_ERRORS:
                        bad_here = True
                        bad[(line, col)] = f"{where} holds a formula whose value is the error {saved.strip()}"
            if header is None:
                header = [(t or "").strip() for t in texts]
                continue
            if any(t and t.strip() for t in texts) or bad_here:
                rows.append((line, texts))
    except ValidationError:
        raise
    except Exception as e:  # noqa: BLE001 - a damaged or crafted workbook: the parser's error is not the person's
        raise ValidationError(f"{path.name} could not be read as an XLSX workbook ({type(e).__name__}).") from None
    finally:
        values_book.close()
        formulas_book.close()
    if not header or not any(header):
        raise ValidationError(f"{path.name}: the sheet '{chosen}' is empty; its first row must name the columns.")
    return Sheet(path.name, header, rows, names, chosen, bad)


def sheet_names(path: Path | str) -> list[str]:
    """An XLSX workbook's sheets, in order ([] for a CSV file)."""
    return read(path).sheet_names if is_xlsx(path) else []


def cell_text(value: Any) -> str | None:
    """A cell's value as the text it stands for (a whole number without `.0`, a date as YYYY-MM-DD)."""
    if value is None:
        return None
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """A spreadsheet's name of the 0-based column: A, B, ..., Z, AA..."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# -- columns -----------------------------------------------------------------------------------
def field_label(name: str) -> str:
    """The label the app shows for a field (the item table's column title)."""
    return R.ITEMS.label_of("parent_id" if name == "parent" else name)


def _names_of(name: str) -> set[str]:
    """What a header may say to mean the field: its name, its label, its noun, with any case."""
    f = R.ITEMS.field("parent_id" if name == "parent" else name)
    out = {name, name.replace("_", " "), f.label, f.noun, field_label(name)}
    if name == "parent":
        out |= {"parent ref", "parent_ref"}
    return {x.casefold() for x in out}


def auto_mapping(header: list[str]) -> dict[str, int]:
    """{field: column index} for columns headed by a field's name or label (any case). A field
    headed twice is refused: which of the two to read would be a guess."""
    out: dict[str, int] = {}
    for col, title in enumerate(header):
        key = " ".join(title.split()).casefold()
        for name in FIELDS:
            if key and key in _names_of(name):
                if name in out:
                    raise ValidationError(f"Columns {column_letter(out[name])} and {column_letter(col)} are both "
                                          f"headed '{title}'; rename one, or choose one with --map {name}=COLUMN.")
                out[name] = col
    return out


def parse_maps(maps: list[str], header: list[str]) -> dict[str, int]:
    """`--map FIELD=COLUMN` values as {field: column index}; a column is named by its header."""
    out: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for col, title in enumerate(header):
        by_title.setdefault(title.casefold(), col)
    for m in maps:
        name, eq, column = m.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not eq or not name or not column:
            raise ValidationError(f"--map '{m}' must be written FIELD=COLUMN, e.g. --map ref=Code.")
        if name not in FIELDS:
            raise ValidationError(f"--map '{m}': '{name}' is not a field; the fields are {', '.join(FIELDS)}.")
        if name in out:
            raise ValidationError(f"--map gives the field '{name}' twice.")
        found = by_title.get(column.casefold())
        if found is None:
            raise ValidationError(f"--map '{m}': the sheet has no column headed '{column}'; its columns are "
                                  f"{', '.join(repr(h) for h in header if h)}.")
        out[name] = found
    return out


def mapping(header: list[str], maps: list[str] | None = None) -> dict[str, int]:
    """Explicit --map entries, then the columns headed by the remaining fields' names or labels."""
    explicit = parse_maps(maps or [], header)
    used = set(explicit.values())
    auto = {k: c for k, c in auto_mapping(header).items() if k not in explicit and c not in used}
    return {**auto, **explicit}


def unmapped_columns(sheet: Sheet, cols: dict[str, int]) -> list[str]:
    """The columns that fill no field and hold something: by header, or by letter when unheaded."""
    used = set(cols.values())
    out = [h for c, h in enumerate(sheet.header) if h and c not in used]
    width = max([len(sheet.header)] + [len(cells) for _, cells in sheet.rows])
    for c in range(width):
        if c not in used and (c >= len(sheet.header) or not sheet.header[c]):
            if any(c < len(cells) and (cells[c] or "").strip() for _, cells in sheet.rows):
                out.append(f"column {column_letter(c)} (no header)")
    return out


def unmapped_sentence(columns: list[str]) -> str:
    shown = ", ".join(repr(c) if not c.startswith("column ") else c for c in columns[:20])
    more = f" and {len(columns) - 20} more" if len(columns) > 20 else ""
    return (f"{'This column was' if len(columns) == 1 else 'These columns were'} not imported, as no field has "
            f"that name: {shown}{more} (map one with --map FIELD=COLUMN).")


# -- vocabularies ------------------------------------------------------------------------------
def vocabulary(rows: list[dict]) -> dict[str, str]:
    """{key or label, casefolded: key} of a vocabulary's rows (kinds or statuses of the file)."""
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(r["key"].casefold(), r["key"])
    for r in rows:
        out.setdefault(" ".join(str(r["label"]).split()).casefold(), r["key"])
        out.setdefault(r["key"].replace("_", " ").casefold(), r["key"])
    return out


def match_key(text: str, vocab: dict[str, str]) -> str | None:
    return vocab.get(" ".join(text.split()).casefold())


def _choices(rows: list[dict]) -> str:
    return ", ".join(r["label"] for r in rows)


# -- the plan -----------------------------------------------------------------------------------
@dataclass
class Row:
    """One sheet row as it will be imported: what it does, its values and its problems."""

    line: int
    ref: str
    values: dict[str, Any]  # the checked fields the sheet gives (parent as a ref)
    action: str = ""  # "add", "update", "unchanged"; "" when the row has problems
    changed: list[str] = field(default_factory=list)  # for an update, the fields that change
    problems: list[str] = field(default_factory=list)
    item: dict | None = None  # the exchange document's item
    cells: dict[str, str] = field(default_factory=dict)  # each mapped field's cell as written


@dataclass
class Plan:
    name: str
    framework_id: str
    framework_title: str
    new_framework: bool
    columns: dict[str, int]
    unmapped: list[str]
    rows: list[Row]

    @property
    def errors(self) -> list[str]:
        return [f"line {r.line}: {p}" for r in self.rows for p in r.problems]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def check(self) -> None:
        """Raise SheetRowsError listing every bad row, if any."""
        if self.errors:
            raise SheetRowsError(self.name, self.errors)

    def document(self) -> dict:
        """The exchange document that imports the sheet (its framework when new, then its items)."""
        self.check()
        from . import jsonio
        frameworks = [{"id": self.framework_id, "title": self.framework_title}] if self.new_framework else []
        return {"format": jsonio.FORMAT, "version": jsonio.VERSION, "frameworks": frameworks,
                "items": [r.item for r in self.rows if r.item is not None]}

    def lines(self) -> list[int]:
        return [r.line for r in self.rows if r.item is not None]

    def summary(self) -> str:
        parts = []
        if self.new_framework:
            parts.append(f"the framework “{self.framework_title}” would be created")
        parts.append(f"{self.count('add')} item(s) would be added, {self.count('update')} updated and "
                     f"{self.count('unchanged')} left unchanged")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."


def find_framework(store: Store, title: str) -> dict | None:
    """The framework with this title (exactly, else the only one with it in another case)."""
    title = " ".join(title.split())
    fws = store.list_frameworks()
    exact = [f for f in fws if f["title"].strip() == title]
    if not exact:
        exact = [f for f in fws if f["title"].strip().casefold() == title.casefold()]
    if len(exact) > 1:
        raise ValidationError(f"{len(exact)} frameworks are titled “{title}”; rename one so the sheet has one "
                              f"place to go.")
    return exact[0] if exact else None


def plan(store: Store, sheet: Sheet, columns: dict[str, int], framework: str,
         *, now: str | None = None) -> Plan:
    """Check every row of the sheet against the rules and the file, and say what each would do."""
    if not framework.strip():
        raise ValidationError("The framework's title is empty; name the framework the rows go into.")
    title = v.clean_framework_fields({"title": framework}, partial=True)["title"]
    if "ref" not in columns:
        raise ValidationError(f"{sheet.name} needs a ref column (one headed 'ref', or --map ref=COLUMN): "
                              f"the ref is how a row finds its item again when the sheet is imported twice.")
    fw = find_framework(store, title)
    fid = fw["id"] if fw else new_id()
    moment = dt.datetime.now(dt.timezone.utc)
    now = now or v.timestamp(moment.isoformat(), "updated_at")
    today = dt.date.today().isoformat()
    # the framework's items: by ref, and their parents (for loops through items not in the sheet)
    existing: dict[str, dict] = store.items_by_ids(store.item_ids(framework_ids=[fid])) if fw else {}
    by_ref: dict[str, list[str]] = {}
    for iid, it in existing.items():
        by_ref.setdefault((it["ref"] or "").strip(), []).append(iid)
    kinds, statuses = store.item_kinds(), store.statuses()
    kind_vocab, status_vocab = vocabulary(kinds), vocabulary(statuses)
    rules = v.rules(R.ITEMS)

    def cell(cells: list[str | None], name: str) -> str | None:
        c = columns.get(name)
        if c is None or c >= len(cells):
            return None
        return cells[c]

    bad_cells: dict[int, list[str]] = {}
    for (ln, _c), msg in sorted(sheet.bad_cells.items()):
        bad_cells.setdefault(ln, []).append(msg)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    current: dict[int, dict | None] = {}  # row index: the item as the file has it (None: a new one)
    for line, cells in sheet.rows:
        problems = list(bad_cells.get(line, ()))
        raw_ref = (cell(cells, "ref") or "").strip()
        row = Row(line, raw_ref, {}, problems=problems,
                  cells={name: cell(cells, name) or "" for name in columns})
        if not raw_ref:
            row.problems.append("the ref is empty; every row needs one, so that importing the sheet again "
                                "updates its item instead of adding it twice")
        elif raw_ref in seen:
            row.problems.append(f"the ref '{_short(raw_ref)}' is also on line {seen[raw_ref]}")
        else:
            seen[raw_ref] = line
        values: dict[str, Any] = {}
        for name in ("ref", "title", "due_on", "description", "actor", "tags"):
            if name not in columns:
                continue
            text = cell(cells, name)
            if name == "tags":
                text = (text or "").replace(";", ",")
            try:
                values[name] = rules[name](text)
            except ValidationError as e:
                row.problems.append(_sentence(e))
        given = {}
        for name, vocab, rows_ in (("kind", kind_vocab, kinds), ("status", status_vocab, statuses)):
            text = given[name] = (cell(cells, name) or "").strip()
            if not text:
                continue
            key = match_key(text, vocab)
            if key is None:
                row.problems.append(f"{name} '{_short(text)}' is not one of: {_choices(rows_)} "
                                    f"(a key or a label, in any case)")
            else:
                values[name] = key
        if "parent" in columns:  # a blank parent cell puts the item at the top of the framework
            values["parent"] = (cell(cells, "parent") or "").strip()
        row.values = values
        matches = by_ref.get(raw_ref, []) if raw_ref else []
        if len(matches) > 1:
            row.problems.append(f"the ref '{_short(raw_ref)}' is shared by {len(matches)} items already in the "
                                f"framework; give them different refs first")
        cur = store.get_item(matches[0]) if len(matches) == 1 and seen.get(raw_ref) == line else None
        if cur is None and len(matches) <= 1:  # a new item needs what the item form asks for
            if "title" not in columns:
                row.problems.append("a new item needs a title, and the sheet has no title column")
            if not given["kind"]:
                row.problems.append("a new item needs a kind, and this row gives none"
                                    if "kind" in columns else "a new item needs a kind, and the sheet has no "
                                                              "kind column")
        current[len(rows)] = cur
        rows.append(row)

    # ids: the item already in the framework with that ref, else one derived from framework and ref
    derived = {r.ref: str(uuid.uuid5(SHEET_NAMESPACE, f"{fid}\x1f{r.ref}")) for i, r in enumerate(rows)
               if current[i] is None and r.ref}
    elsewhere = store.existing_ids("items", list(derived.values()))  # moved to another framework since
    ids: dict[str, str] = {}
    for i, r in enumerate(rows):
        cur = current[i]
        if not r.ref or seen.get(r.ref) != r.line:
            continue
        if cur is not None:
            ids[r.ref] = cur["id"]
        else:
            ids[r.ref] = derived[r.ref] if derived[r.ref] not in elsewhere else new_id()
    ids_of_refs = {ref: m[0] for ref, m in by_ref.items() if len(m) == 1}
    ids_of_refs.update(ids)

    # parents: a ref in the sheet (earlier or later) or in the framework; no loops (linear)
    parent_of: dict[str, str | None] = {iid: it["parent_id"] for iid, it in existing.items()}
    row_of_id: dict[str, Row] = {}
    parent_ids: dict[str, str] = {}  # "" : no parent (the sheet's parent cell was blank)
    for r in rows:
        found_id = ids.get(r.ref)
        if not found_id or seen.get(r.ref) != r.line:
            continue
        iid = found_id
        row_of_id[iid] = r
        p = r.values.get("parent")
        if p is None:
            continue
        if not p:
            parent_of[iid], parent_ids[iid] = None, ""
            continue
        if p == r.ref:
            r.problems.append("the parent is the row's own ref")
            continue
        pid = ids_of_refs.get(p)
        if not pid:
            if len(by_ref.get(p, [])) > 1:
                r.problems.append(f"the parent '{_short(p)}' is the ref of {len(by_ref[p])} items in the framework")
            else:
                r.problems.append(f"the parent '{_short(p)}' is not a ref in the sheet or in the framework")
            continue
        parent_of[iid] = parent_ids[iid] = pid
    for iid in _in_loops(parent_of, store, list(row_of_id)):
        r = row_of_id[iid]
        if r.values.get("parent") and iid in parent_ids:
            r.problems.append(f"the parent '{_short(r.values['parent'])}' makes a loop: the item would be "
                              f"inside itself")

    for i, r in enumerate(rows):
        if r.problems:
            continue
        cur = current[i]
        iid = ids[r.ref]
        r.item = _item(fid, iid, parent_ids.get(iid), r.values, cur, now)  # None: keeps its parent
        if cur is None:
            r.action = "add"
            continue
        r.changed = [n for n in FIELDS if _differs(n, r.item, cur)]
        r.action = "update" if r.changed else "unchanged"
        if "status" in r.changed:  # as in the window, a status moves by a dated update
            r.item["status_updates"] = [{"id": new_id(), "status": r.item["status"], "as_of": today,
                                         "note": f"Status set by importing {sheet.name}.", "author": ""}]
    return Plan(sheet.name, fid, fw["title"] if fw else title, fw is None, dict(columns),
                unmapped_columns(sheet, columns), rows)


def _in_loops(parent_of: dict[str, str | None], store: Store, starts: list[str]) -> set[str]:
    """The ids among `starts` that are inside a loop of parents; each item is visited once."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: finished
    looped: set[str] = set()
    for start in starts:
        path: list[str] = []
        cur: str | None = start
        while cur and state.get(cur) is None:
            state[cur] = 1
            path.append(cur)
            if cur in parent_of:
                cur = parent_of[cur]
            else:  # outside the framework: its parent as the file has it
                row = store.get_item(cur)
                parent_of[cur] = row["parent_id"] if row else None
                cur = parent_of[cur]
        if cur and state.get(cur) == 1:  # the walk came back onto itself: cur..end is the loop
            looped.update(path[path.index(cur):])
        for p in path:
            state[p] = 2
    return looped


def _item(fid: str, iid: str, pid: str | None, values: dict, cur: dict | None, now: str | None) -> dict:
    """The exchange document's item: the sheet's values over the item as it is (or the defaults).
    `pid` is the parent the sheet gives: an id, "" for none, or None when the sheet does not say."""
    if cur is None:
        base: dict[str, Any] = {"ref": "", "kind": None, "title": None, "description": "", "actor": None,
                                "status": "unknown", "due_on": None, "tags": []}
    else:
        base = {k: cur[k] for k in ("ref", "kind", "title", "actor", "status", "due_on", "tags")}
        base["description"] = cur["description"]
    base.update({k: val for k, val in values.items() if k != "parent"})
    parent_id = (cur or {}).get("parent_id") if pid is None else (pid or None)
    return {"id": iid, "framework_id": fid, "parent_id": parent_id,
            **base, "created_at": None, "updated_at": now,
            "citations": [], "status_updates": [], "target": None, "observations": []}


def _differs(name: str, item: dict, cur: dict) -> bool:
    if name == "parent":
        return item["parent_id"] != cur["parent_id"]
    return item[name] != cur[name]


def _sentence(e: ValidationError) -> str:
    msg = str(e).strip().rstrip(".")
    return msg[0].lower() + msg[1:] if msg[:1].isupper() and not msg[1:2].isupper() else msg


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- importing -----------------------------------------------------------------------------------
def importer(name: str, lines: list[int]) -> Callable[..., Any]:
    """jsonio's import for a plan's document; an error it finds names the sheet's line."""
    from . import jsonio

    def run(store: Store, doc: dict, progress=None) -> jsonio.ImportReport:
        try:
            return jsonio.import_document(store, doc, progress)
        except ValidationError as e:
            msg = str(e)
            if msg.startswith("items[") and "]" in msg:
                close = msg.index("]")
                try:
                    idx = int(msg[6:close])
                    line = lines[idx]
                except (ValueError, IndexError):
                    raise ValidationError(msg) from None
                rest = msg[close + 1:]
                if rest.startswith("."):
                    rest = ", " + rest[1:]
                msg = f"{name} line {line}{rest}"
            raise ValidationError(msg) from None
    return run


def load(store: Store, path: Path | str, framework: str, *, sheet: str | None = None,
         maps: list[str] | None = None) -> Plan:
    """Read, map and check a sheet for the framework titled `framework` (the command's whole job
    before writing). Bad rows are in the plan's `errors`; a bad file or header raises."""
    s = read(path, sheet)
    return plan(store, s, mapping(s.header, maps), framework)
