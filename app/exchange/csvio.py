"""CSV: a flat sheet of items for spreadsheets, safe to open (no cell is read as a formula).

The sheet's columns are the item's fields that have a CSV name in core.records, then the values
shown with an item but kept elsewhere (its latest update, target, latest observation, first quote).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..core import records as R
from ..core import validation as v
from ..core.model import ValidationError, new_id
from ..store.guard import refuse_database_file
from ..store.store import Store
from . import jsonio, sheets


def columns() -> list[str]:
    """The sheet's header: the item's CSV fields, then the derived values (core.records)."""
    return [f.csv for f in R.ITEMS.csv_fields if f.csv] + [d.name for d in R.ITEMS.derived if d.csv]


def import_columns() -> set[str]:
    """The columns an import reads (the item's own fields; the derived ones are only written)."""
    return {f.csv for f in R.ITEMS.csv_fields if f.csv}


def __getattr__(name: str):
    if name == "COLUMNS":
        return columns()
    if name == "IMPORT_COLUMNS":
        return import_columns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000


LINES_KEY = "_sheet_lines"  # the document's items' lines in the sheet (jsonio reads no key starting with _)


def neutralise(value) -> str:
    """Prefix text that a spreadsheet would run as a formula (= + - @ tab CR) with a quote; import
    removes exactly that quote (sheets.neutralise and sheets.unquote are inverses)."""
    return sheets.neutralise(value)


def export_rows(store: Store) -> list[list[str]]:
    doc = store.export_rows()
    # a link is written as the title of the record it points to (a framework by its title)
    titles = {t: {r["id"]: r.get("title", "") for r in doc.get(R.record(t).json_key) or []}
              for t in {f.refers_to for f in R.ITEMS.csv_fields if f.refers_to}}
    fields = R.ITEMS.csv_fields
    derived = [(d, R.record(d.record)) for d in R.ITEMS.derived if d.csv]
    rows = [columns()]
    for it in doc[R.ITEMS.json_key]:
        cells = []
        for f in fields:
            value = it[f.key]
            if f.refers_to:
                value = titles[f.refers_to].get(value, "")
            elif f.type == "tags":
                value = "; ".join(value)
            cells.append(value)
        for d, rec in derived:
            cells.append(_derived_value(it, d, rec))
        rows.append([neutralise(x) for x in cells])
    return rows


def _derived_value(item: dict, d: R.Derived, rec: R.Record):
    """The value shown with an item but kept in one of its own records: its latest, first or only one."""
    rows = item.get(rec.json)
    if isinstance(rows, dict):  # one per item (a target)
        rows = [rows]
    if not rows:
        return None
    row = rows[-1] if d.pick == "latest" else rows[0]  # exported oldest first
    return row.get(rec.field(d.field).key)


def export_csv(store: Store) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(export_rows(store))
    return buf.getvalue()


def import_csv(store: Store, path: Path | str, progress=None) -> jsonio.ImportReport:
    """Import items from a CSV sheet (framework by title; new frameworks are created).

    Every cell obeys the rules of the window's item form: the sheet becomes an exchange document
    and goes through jsonio's import, which checks it with core.validation.
    """
    doc = read_sheet(store, path)
    return sheet_importer(Path(path).name)(store, doc, progress)


def read_sheet(store: Store, path: Path | str) -> dict:
    """The sheet as an exchange document (frameworks by title; new ones get new ids); not yet written.

    Every row is checked by the item form's rules first, and every bad row is reported at once
    (sheets.SheetRowsError: `line N: what is wrong`, the header being line 1). Kinds and statuses
    may be given by key or label, in any case. The `'` that export puts before a formula-like
    cell is removed (sheets.unquote)."""
    refuse_database_file(path, "import")  # before any stat or open: closing one drops our locks
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValidationError(f"{path} cannot be read: {e.strerror}.") from None
    if size > MAX_CSV_BYTES:
        raise ValidationError(f"{path.name} is {size / 1e6:.0f} MB; "
                              f"the CSV import limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    sheet = sheets.read_csv(path)
    header = sheet.header
    fields = R.ITEMS.csv_fields
    needed = [f.csv for f in fields if f.csv and f.required and f.content]  # an id is made when none is given
    if not set(needed) <= set(header):
        raise ValidationError(f"{path.name} needs a header row with at least {', '.join(needed[:-1])} and "
                              f"{needed[-1]} columns.")
    known = set(columns())  # the item's fields and the derived values export writes (read back: ignored)
    unknown = [h for h in header if h not in known]
    if unknown:
        named = ", ".join(f"“{h}”" if h.strip() else "a blank heading" for h in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise ValidationError(f"{path.name} has column{'s' if len(unknown) != 1 else ''} this import does not know "
                              f"({named}{more}): rename or remove {'them' if len(unknown) != 1 else 'it'}, or use "
                              f"import-sheet, whose --map says which field each column fills.")
    col = {name: header.index(name) for name in import_columns() if name in header}
    framework = next(f for f in fields if f.refers_to == "frameworks")
    frameworks = {f["title"]: f["id"] for f in store.list_frameworks()}
    kinds, statuses = store.item_kinds(), store.statuses()
    vocab = {"kind": (sheets.vocabulary(kinds), kinds), "status": (sheets.vocabulary(statuses), statuses)}
    fw_rule = v.rules(R.FRAMEWORKS)["title"]
    new_fw, items, lines, problems = [], [], [], []
    ids: dict[str, int] = {}
    for n, cells in sheet.rows:
        bad: list[str] = []
        if len(cells) > len(header):
            bad.append("the row has more cells than the header")
        row = {name: (cells[c] if c < len(cells) else None) for name, c in col.items()}
        fw_title = (row.get(framework.csv or "") or "").strip()
        if not fw_title:
            bad.append("the framework is empty")
        else:
            try:
                fw_title = fw_rule(fw_title)
            except ValidationError as e:
                bad.append("framework: " + sheets._sentence(e))
        item: dict = {}
        for f in fields:
            if f is framework:
                continue
            text = row.get(f.csv or "")
            if f.name == R.ITEMS.key:
                iid = (text or "").strip()
                if len(iid) > f.limit:
                    bad.append(f"the id is {len(iid):,} characters long; the limit is {f.limit:,}")
                elif iid and iid in ids:
                    bad.append(f"the id '{iid[:40]}' is also on line {ids[iid]}")
                elif iid:
                    ids[iid] = n
                item[f.key] = iid or new_id()
            elif f.name in vocab:
                value = _cell(f, text)
                found = sheets.match_key(value, vocab[f.name][0]) if value else None
                if value and found is None:
                    bad.append(f"{f.noun} '{value[:40]}' is not one of: "
                               f"{', '.join(r['label'] for r in vocab[f.name][1])} (a key or a label, in any case)")
                elif f.required and not value:
                    bad.append(f"{f.noun} is empty")
                item[f.key] = found or value
            else:
                item[f.key] = _cell(f, text)
                try:
                    v.clean_item_value(f.name, item[f.key])
                except ValidationError as e:
                    bad.append(sheets._sentence(e))
        problems += [f"line {n}: {b}" for b in bad]
        if bad:
            continue
        if fw_title not in frameworks:
            frameworks[fw_title] = new_id()
            new_fw.append({"id": frameworks[fw_title], "title": fw_title})
        item[framework.key] = frameworks[fw_title]
        items.append(item)
        lines.append(n)
    if problems:
        raise sheets.SheetRowsError(path.name, problems)
    return {"format": jsonio.FORMAT, "version": jsonio.VERSION, "frameworks": new_fw, "items": items,
            LINES_KEY: lines}


def _cell(f: R.Field, text: str | None):
    """A cell as the exchange document holds the field; the item's rules (core.validation) check it."""
    blank = None if f.nullable else ("" if f.default is None else f.default)
    if f.type == "tags":  # written "a; b", typed "a, b"
        return [t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip()]
    if f.type in ("line", "text"):  # kept as typed; the rules trim what they trim
        return text or blank
    return (text or "").strip() or blank  # a key, a choice, a date: spaces around it mean nothing


def sheet_importer(name: str):
    """jsonio's import for a document read from the sheet `name`, naming its lines in errors."""
    def run(store: Store, doc: dict, progress=None) -> jsonio.ImportReport:
        try:
            return jsonio.import_document(store, doc, progress)
        except ValidationError as e:
            msg = str(e)
            if msg.startswith("items["):  # point at the spreadsheet line, not the internal list
                close = msg.index("]")
                idx, rest = int(msg[6:close]), msg[close + 1:]
                if rest.startswith("."):  # "items[3].ref: ..." -> "sheet.csv line 5, ref: ..."
                    rest = ", " + rest[1:]
                lines = doc.get(LINES_KEY) or []
                msg = f"{name} line {lines[idx] if idx < len(lines) else idx + 2}{rest}"
            raise ValidationError(msg) from None
    return run
