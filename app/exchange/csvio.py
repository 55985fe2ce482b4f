"""CSV: a flat sheet of items for spreadsheets, safe to open (no cell is read as a formula)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..core.model import ValidationError, new_id
from ..store.guard import refuse_database_file
from ..store.store import Store
from . import jsonio

COLUMNS = ["id", "framework", "ref", "kind", "title", "description", "actor", "status", "due_on", "tags",
           "last_update_on", "last_note", "target", "unit", "latest_value", "latest_value_on", "quote"]
IMPORT_COLUMNS = {"framework", "ref", "kind", "title", "description", "actor", "status", "due_on", "tags", "id"}
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000


def neutralise(value) -> str:
    """Prefix text that a spreadsheet would run as a formula (= + - @ tab CR) with a quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_rows(store: Store) -> list[list[str]]:
    doc = store.export_rows()
    fw = {f["id"]: f["title"] for f in doc["frameworks"]}
    rows = [COLUMNS]
    for it in doc["items"]:
        last = it["status_updates"][-1] if it["status_updates"] else None
        obs = it["observations"][-1] if it["observations"] else None
        t = it["target"] or {}
        rows.append([neutralise(x) for x in (
            it["id"], fw.get(it["framework_id"], ""), it["ref"], it["kind"], it["title"], it["description"],
            it["actor"], it["status"], it["due_on"], "; ".join(it["tags"]),
            last and last["as_of"], last and last["note"], t.get("target"), t.get("unit"),
            obs and obs["value"], obs and obs["observed_on"],
            it["citations"][0]["quote"] if it["citations"] else "")])
    return rows


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
    """The sheet as an exchange document (frameworks by title; new ones get new ids); not yet written."""
    refuse_database_file(path, "import")  # before any stat or open: closing one drops our locks
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValidationError(f"{path} cannot be read: {e.strerror}.") from None
    if size > MAX_CSV_BYTES:
        raise ValidationError(f"{path.name} is {size / 1e6:.0f} MB; the CSV import limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw:
        raise ValidationError(f"{path.name} is UTF-16 or binary; save it as UTF-8 CSV.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationError(f"{path.name} is not UTF-8 text (bad byte at position {e.start}).") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as e:
        raise ValidationError(f"{path.name} line 1 is not readable CSV: {e}.") from None
    if not fieldnames or not {"framework", "kind", "title"} <= set(fieldnames):
        raise ValidationError(f"{path.name} needs a header row with at least framework, kind and title columns.")
    frameworks = {f["title"]: f["id"] for f in store.list_frameworks()}
    new_fw, items = [], []
    n = 1  # the spreadsheet row being read (the header is row 1)
    try:
        for n, row in enumerate(reader, start=2):  # noqa: B007 - n names the failing row below
            if n - 1 > MAX_ROWS:
                raise ValidationError(f"{path.name} has more than {MAX_ROWS:,} rows.")
            if None in row:
                raise ValidationError(f"{path.name} line {n}: the row has more cells than the header.")
            fw_title = (row.get("framework") or "").strip()
            if not fw_title:
                raise ValidationError(f"{path.name} line {n}: the framework is empty.")
            if fw_title not in frameworks:
                frameworks[fw_title] = new_id()
                new_fw.append({"id": frameworks[fw_title], "title": fw_title})
            items.append({"id": (row.get("id") or "").strip() or new_id(), "framework_id": frameworks[fw_title],
                          "ref": row.get("ref") or "", "kind": (row.get("kind") or "").strip(),
                          "title": row.get("title") or "", "description": row.get("description") or "",
                          "actor": row.get("actor") or None, "status": (row.get("status") or "").strip() or "unknown",
                          "due_on": (row.get("due_on") or "").strip() or None,
                          "tags": [t.strip() for t in (row.get("tags") or "").replace(";", ",").split(",") if t.strip()]})
    except csv.Error as e:
        raise ValidationError(f"{path.name} line {n + 1} is not readable CSV: {e}.") from None
    return {"format": jsonio.FORMAT, "version": jsonio.VERSION, "frameworks": new_fw, "items": items}


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
                msg = f"{name} line {idx + 2}{rest}"
            raise ValidationError(msg) from None
    return run
