"""The one description of each record a Policy Tracker file holds: its fields, their types and limits.

Everything that lists fields is built from here: the store's column lists, the JSON exchange
format's keys and checks, the CSV sheet, the window's item table, and the per-field rules in
core.validation. Adding a field means describing it here, adding it to the schema with a migration
(db/migrations; tests/core/test_records.py checks that the two agree), and showing it in the
widgets that should show it.

Pure data (no I/O, no SQL): a `Field` says what a column holds; a `Record` is a table's fields in
the table's column order (order matters: exports and the bulk writer's tuples follow it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import ANCHOR_STATES, DIRECTIONS, ITEM_KINDS, RELATION_KINDS

# -- limits (also re-exported by core.validation, where the window's forms find them) ----------
MAX_ID = 100
MAX_TITLE = 1_000
MAX_TEXT = 100_000
MAX_SOURCE_TEXT = 20_000_000
MAX_TAGS = 100  # tags on one item
MAX_TAG = 100  # characters in one tag
MAX_NAME = 200  # ref, actor, author of an update: one line that fits a table cell
MAX_URL = 2_000
MAX_TIMESTAMP = 40
MAX_CONTEXT = 1_000  # a citation's prefix or suffix
MAX_NUMBER = 1e15  # numbers are finite and below this in size
NOW = "now"  # a default meaning "the moment the row is written" (the database fills it in)

# Field types, and the SQLite column type each is stored as.
SQL_TYPES = {
    "id": "TEXT",         # a record's id (a UUID as text), or a link to another record's id
    "line": "TEXT",       # one line of text a person types
    "text": "TEXT",       # long text, many lines (descriptions, notes, quotes, a source's text)
    "choice": "TEXT",     # one of a fixed vocabulary (`choices`)
    "key": "TEXT",        # a key of a vocabulary the file itself holds (`vocabulary`), e.g. a status
    "date": "TEXT",       # YYYY-MM-DD
    "timestamp": "TEXT",  # YYYY-MM-DDTHH:MM:SS.mmmZ, UTC
    "tags": "TEXT",       # a list of words, stored as a JSON array
    "url": "TEXT",        # an http or https address
    "hash": "TEXT",       # a hex digest
    "color": "TEXT",      # #rrggbb
    "integer": "INTEGER",
    "number": "REAL",
}


@dataclass(frozen=True)
class Field:
    """One column of a record.

    `required`: a new record must give it (a key an exchange document must have). `nullable`: it
    may be stored as NULL. `default`: what it holds when nothing is given (NOW: the moment written).
    `limit`: the longest text, most tags, or (low, high) of a number. `json`: its key in the
    exchange format (None: not exchanged). `csv`: its column in the CSV sheet (None: not in it).
    `searchable`: indexed for full-text search (a `<name>_search` generated column, see
    db/migrations/0002). `editable`: a person changes it in the window after the record is made
    (for an item, a field of the item panel). `cleaner`: the function of core.validation that
    checks it (None: checked where the rule needs more than the value, e.g. a link that must
    exist). `refers_to`: the table whose record it links to. `content`: part of what the record
    says (False for its id, its link to its owner, timestamps and counters). `fixed`: never
    changes once written. `insert`: the app writes it when making a row (False: the database keeps
    it). `imported`: read from an exchange document (False: only written, e.g. a version counter).
    `sort`: how the window's table sorts by it ("value", "nocase" or "vocabulary", None: it cannot).
    `noun`: the field in a sentence ("due date").
    """

    name: str
    type: str
    label: str = ""
    required: bool = False
    nullable: bool = False
    default: Any = None
    limit: Any = None
    json: str | None = ""  # "" = the column's own name
    csv: str | None = None
    searchable: bool = False
    editable: bool = False
    cleaner: str | None = None
    refers_to: str | None = None
    vocabulary: str | None = None
    choices: tuple[str, ...] = ()
    content: bool = True
    fixed: bool = False
    insert: bool = True
    imported: bool = True
    sort: str | None = None
    noun: str = ""

    def __post_init__(self) -> None:
        if self.type not in SQL_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")
        if self.json == "":
            object.__setattr__(self, "json", self.name)
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())
        if not self.noun:
            object.__setattr__(self, "noun", self.label.lower())

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def key(self) -> str:
        """The field's name in a record as the app passes it around (its JSON name, else its column)."""
        return self.json or self.name

    @property
    def checked_in_file(self) -> bool:
        """Its rule needs the file: a link that must exist, or a key of the file's own vocabulary."""
        return self.refers_to is not None or (self.vocabulary is not None and not self.choices)


@dataclass(frozen=True)
class Derived:
    """A value shown with a record but kept in another (the framework's title, the latest update's date).

    `pick`: which row of `record` gives it ("the" one the record links to or owns, the "latest"
    by date, or the "first" in its order).
    """

    name: str
    label: str
    record: str
    field: str
    pick: str = "the"
    csv: bool = False
    sort: str | None = None


@dataclass(frozen=True, eq=False)  # compared by identity: a changed description is a new object
class Record:
    """A table's fields in column order, and how the record travels (its JSON key, its owner)."""

    table: str
    noun: str
    fields: tuple[Field, ...]
    key: str = "id"  # the field that identifies a row
    internal: tuple[str, ...] = ()  # columns that are not fields (seq); <name>_search columns are implied
    json: str | None = None  # its key in an exchange document (a list, or one object for `target`)
    owner: str | None = None  # the field linking it to the item it belongs to (nested under it in JSON)
    most: int | None = None  # the most records of this kind one document may hold (per owner when owned)
    derived: tuple[Derived, ...] = ()
    table_columns: tuple[str, ...] = ()  # the window's table of these records: fields or derived, in order
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.table}: a field is described twice")
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        return self._by_name[name]  # type: ignore[attr-defined]

    def has(self, name: str) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    def derive(self, key: Any, build: Callable[[Record], Any]) -> Any:
        """A value built from this description once and kept with it (a column list, a set of rules).

        Kept with the description, not in the module that built it, so a changed description
        (a new Record) never meets values built from the old one.
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build(self)
            return value

    def _names(self, key: str, keep: Callable[[Field], bool]) -> tuple[str, ...]:
        return self.derive(key, lambda r: tuple(f.name for f in r.fields if keep(f)))

    # -- column lists ------------------------------------------------------------------------
    @property
    def columns(self) -> tuple[str, ...]:
        """Every described column, in table order."""
        return self._names("columns", lambda f: True)

    @property
    def inserted(self) -> tuple[str, ...]:
        """The columns the app writes when it makes a row."""
        return self._names("inserted", lambda f: f.insert)

    @property
    def changeable(self) -> tuple[str, ...]:
        """The columns an update may set (all but the fixed ones and those the database keeps)."""
        return self._names("changeable", lambda f: f.insert and not f.fixed)

    @property
    def content(self) -> tuple[str, ...]:
        """What the record says: every field but its id, its owner link, timestamps and counters."""
        return self._names("content", lambda f: f.content)

    @property
    def value_fields(self) -> tuple[str, ...]:
        """Content whose rule needs nothing from the file: checked alike in the window and on import."""
        return self._names("value_fields", lambda f: f.content and f.cleaner is not None and not f.checked_in_file)

    @property
    def editable(self) -> tuple[str, ...]:
        return self._names("editable", lambda f: f.editable)

    @property
    def required(self) -> tuple[str, ...]:
        return self._names("required", lambda f: f.required)

    @property
    def stamped(self) -> frozenset[str]:
        """Columns the database stamps with the moment written when none is given."""
        return self.derive("stamped", lambda r: frozenset(f.name for f in r.fields if f.default == NOW))

    @property
    def searchable(self) -> tuple[str, ...]:
        return self._names("searchable", lambda f: f.searchable)

    @property
    def search_columns(self) -> tuple[str, ...]:
        """The generated columns that the full-text index reads (db/migrations/0002)."""
        return tuple(f"{n}_search" for n in self.searchable)

    @property
    def internal_columns(self) -> tuple[str, ...]:
        """Columns of the table that are not fields: never read or written as values."""
        return self.internal + self.search_columns

    # -- exchange ---------------------------------------------------------------------------
    @property
    def json_key(self) -> str:
        """Its key in an exchange document (every described record travels in one)."""
        if self.json is None:
            raise KeyError(f"{self.table} is not in the exchange format")
        return self.json

    @property
    def json_fields(self) -> tuple[Field, ...]:
        """The fields an exchange document holds, in order (an owned record's owner link is implied)."""
        return self.derive("json_fields", lambda r: tuple(f for f in r.fields if f.json))

    @property
    def json_required(self) -> tuple[str, ...]:
        """Keys a document's record must have."""
        return self.derive("json_required", lambda r: tuple(f.json for f in r.json_fields if f.required))

    @property
    def csv_fields(self) -> tuple[Field, ...]:
        return self.derive("csv_fields", lambda r: tuple(f for f in r.fields if f.csv))

    def label_of(self, name: str) -> str:
        """The window's label of a field or derived value."""
        if self.has(name):
            return self.field(name).label
        return self.derived_value(name).label

    def derived_value(self, name: str) -> Derived:
        for d in self.derived:
            if d.name == name:
                return d
        raise KeyError(name)

    def sort_of(self, name: str) -> str | None:
        """How the window's table sorts by a field or derived value (None: it cannot)."""
        return self.field(name).sort if self.has(name) else self.derived_value(name).sort


def _id(**kw) -> Field:
    """A record's own id: given when made, never changed."""
    return Field("id", "id", label="Id", required=True, limit=MAX_ID, content=False, fixed=True, **kw)


def _owner(name: str = "item_id") -> Field:
    """The link of an owned record (citation, update, target, observation) to its item."""
    return Field(name, "id", label="Item", required=True, limit=MAX_ID, refers_to="items", json=None,
                 content=False, fixed=True)


def _created(json: bool = False, **kw) -> Field:
    return Field("created_at", "timestamp", label="Created", default=NOW, json="created_at" if json else None,
                 content=False, fixed=True, cleaner="timestamp", **kw)


STATUSES = Record("statuses", "status", key="key", json="statuses", most=1_000, fields=(
    Field("key", "key", required=True, limit=40, content=False, fixed=True),
    Field("label", "line", required=True, limit=100),
    Field("description", "text", default="", limit=1_000),
    Field("color", "color", default="#888888", json=None),
    Field("sort_order", "integer", label="Order", default=0, json=None),
))

SOURCES = Record("sources", "source", internal=("seq",), json="sources", most=100_000, fields=(
    _id(),
    Field("title", "line", required=True, limit=MAX_TITLE, searchable=True, editable=True, cleaner="clean_text"),
    Field("kind", "line", default="document", limit=40, editable=True, cleaner="clean_text"),
    Field("publisher", "line", nullable=True, limit=500, searchable=True, editable=True, cleaner="clean_text"),
    Field("author", "line", nullable=True, limit=500, searchable=True, editable=True, cleaner="clean_text"),
    Field("event", "line", nullable=True, limit=500, editable=True, cleaner="clean_text"),
    Field("published_on", "date", label="Published", nullable=True, editable=True, cleaner="parse_date"),
    Field("url", "url", label="Web address", nullable=True, limit=MAX_URL, editable=True, cleaner="web_url"),
    Field("language", "line", nullable=True, limit=20, editable=True, cleaner="clean_text"),
    # the text is the evidence every citation points into: its newest edition's (db/migrations,
    # source editions); a trigger lets it change only to that
    Field("sha256", "hash", label="SHA-256", limit=64, fixed=True),
    Field("text", "text", required=True, limit=MAX_SOURCE_TEXT, searchable=True, fixed=True),
    Field("imported_at", "timestamp", label="Imported", default=NOW, json=None, content=False, fixed=True),
))

FRAMEWORKS = Record("frameworks", "framework", json="frameworks", most=100_000, fields=(
    _id(),
    Field("title", "line", required=True, limit=MAX_TITLE, editable=True, cleaner="clean_text"),
    Field("actor", "line", nullable=True, limit=MAX_NAME, editable=True, cleaner="clean_text"),
    Field("description", "text", default="", limit=MAX_TEXT, editable=True, cleaner="clean_text"),
    _created(),
    Field("updated_at", "timestamp", label="Changed", default=NOW, json=None, content=False, cleaner="timestamp"),
))

ITEMS = Record(
    "items", "item", internal=("seq",), json="items", most=1_000_000,
    fields=(
        _id(csv="id"),
        Field("framework_id", "id", label="Framework", required=True, limit=MAX_ID, refers_to="frameworks",
              editable=True, csv="framework"),  # in the sheet, the framework's title
        Field("parent_id", "id", label="Parent", nullable=True, limit=MAX_ID, refers_to="items"),
        Field("ref", "line", default="", limit=MAX_NAME, searchable=True, editable=True, csv="ref",
              cleaner="clean_text", sort="value"),
        Field("kind", "choice", required=True, vocabulary="item_kinds", choices=ITEM_KINDS, editable=True,
              csv="kind", cleaner="kind", sort="value"),
        Field("title", "line", required=True, limit=MAX_TITLE, searchable=True, editable=True, csv="title",
              cleaner="clean_text", sort="nocase"),
        Field("description", "text", default="", limit=MAX_TEXT, searchable=True, editable=True,
              csv="description", cleaner="clean_text"),
        Field("actor", "line", nullable=True, limit=MAX_NAME, searchable=True, editable=True, csv="actor",
              cleaner="clean_text", sort="nocase"),
        # follows the item's status history (core.status_rule); changed by adding an update
        Field("status", "key", default="unknown", vocabulary="statuses", csv="status", cleaner="status_key",
              sort="vocabulary"),
        Field("due_on", "date", label="Due", noun="due date", nullable=True, editable=True, csv="due_on",
              cleaner="parse_date", sort="value"),
        Field("tags", "tags", default="[]", limit=MAX_TAGS, searchable=True, editable=True, csv="tags",
              cleaner="clean_tags"),
        _created(json=True, sort="value"),
        Field("updated_at", "timestamp", label="Changed", default=NOW, content=False, cleaner="timestamp",
              sort="value"),
        # bumped by every update; a save that read an older version is refused, not applied
        Field("version", "integer", default=1, content=False, insert=False, imported=False),
    ),
    derived=(
        Derived("framework", "Framework", "frameworks", "title", sort="nocase"),
        Derived("last_update_on", "Last update", "status_updates", "as_of", pick="latest", csv=True),
        Derived("last_note", "Last note", "status_updates", "note", pick="latest", csv=True),
        Derived("target", "Target", "targets", "target", csv=True),
        Derived("unit", "Unit", "targets", "unit", csv=True),
        Derived("latest_value", "Latest value", "observations", "value", pick="latest", csv=True),
        Derived("latest_value_on", "Latest value on", "observations", "observed_on", pick="latest", csv=True),
        Derived("quote", "Quote", "citations", "quote", pick="first", csv=True),
    ),
    table_columns=("ref", "title", "framework", "kind", "status", "actor", "due_on", "last_update_on",
                   "updated_at", "tags"),
)

CITATIONS = Record("citations", "citation", json="citations", owner="item_id", most=10_000, fields=(
    _id(),
    _owner(),
    Field("source_id", "id", label="Source", required=True, limit=MAX_ID, refers_to="sources"),
    # offsets in Unicode code points into the source's text; NULL when the quote could not be placed
    Field("start_offset", "integer", label="Start", nullable=True, limit=(0, None), json="start"),
    Field("end_offset", "integer", label="End", nullable=True, limit=(0, None), json="end"),
    Field("quote", "text", required=True, limit=MAX_TEXT),
    Field("prefix", "text", default="", limit=MAX_CONTEXT),
    Field("suffix", "text", default="", limit=MAX_CONTEXT),
    _created(),
    # how it sits in the newest edition of its source (db/migrations, source editions): placed
    # (exact, moved, reworded) or waiting for a person (review, with a suggested span; not_found)
    Field("anchor_state", "choice", label="Placed", default="exact", choices=ANCHOR_STATES,
          cleaner="anchor_state"),
    Field("suggested_start", "integer", label="Suggested start", nullable=True, limit=(0, None)),
    Field("suggested_end", "integer", label="Suggested end", nullable=True, limit=(0, None)),
    # its digits changed in the newest edition: what cites it (observations, the target) needs a look
    Field("figures_changed", "integer", label="Figures changed", default=0, limit=(0, 1)),
))

STATUS_UPDATES = Record(
    "status_updates", "status update", internal=("seq",), json="status_updates", owner="item_id",
    most=1_000_000, fields=(
        _id(),
        _owner(),
        Field("status", "key", required=True, vocabulary="statuses", cleaner="status_key", fixed=True),
        Field("as_of", "date", label="As of", required=True, cleaner="as_of_date", fixed=True),
        Field("note", "text", default="", limit=MAX_TEXT, searchable=True, cleaner="clean_text", fixed=True),
        Field("author", "line", default="", limit=MAX_NAME, searchable=True, cleaner="clean_text", fixed=True),
        _created(json=True),
        # its evidence: one of the item's citations (0005; the database refuses another item's). Last, so
        # writers of tuples in column order that do not know it (bulk.columns) still line up.
        Field("citation_id", "id", label="Evidence", nullable=True, limit=MAX_ID, refers_to="citations",
              fixed=True),
    ))

TARGETS = Record("targets", "target", key="item_id", json="target", owner="item_id", most=1, fields=(
    _owner(),
    Field("unit", "line", default="", limit=100, cleaner="clean_text"),
    Field("baseline", "number", nullable=True, limit=(-MAX_NUMBER, MAX_NUMBER), cleaner="number"),
    Field("baseline_on", "date", label="Baseline date", nullable=True, cleaner="parse_date"),
    Field("target", "number", required=True, limit=(-MAX_NUMBER, MAX_NUMBER), cleaner="number"),
    Field("target_on", "date", label="Target date", nullable=True, cleaner="parse_date"),
    Field("direction", "choice", default="increase", choices=DIRECTIONS, cleaner="direction"),
))

OBSERVATIONS = Record("observations", "observation", json="observations", owner="item_id", most=1_000_000,
                      fields=(
    _id(),
    _owner(),
    Field("value", "number", required=True, limit=(-MAX_NUMBER, MAX_NUMBER), cleaner="number"),
    Field("observed_on", "date", label="Observed on", required=True, cleaner="parse_date"),
    Field("note", "text", default="", limit=MAX_TEXT, cleaner="clean_text"),
    Field("citation_id", "id", label="Citation", nullable=True, limit=MAX_ID, refers_to="citations"),
    _created(),
))

RELATIONS = Record("relations", "relation", json="relations", most=5_000_000, fields=(
    _id(),
    Field("from_id", "id", label="From", required=True, limit=MAX_ID, refers_to="items", fixed=True),
    Field("to_id", "id", label="To", required=True, limit=MAX_ID, refers_to="items", fixed=True),
    Field("kind", "choice", required=True, vocabulary="relation_kinds", choices=RELATION_KINDS,
          cleaner="relation_kind"),
    Field("note", "text", default="", limit=MAX_TEXT, cleaner="clean_text"),
    _created(),
))

_BY_TABLE = {"statuses": "STATUSES", "sources": "SOURCES", "frameworks": "FRAMEWORKS", "items": "ITEMS",
             "citations": "CITATIONS", "status_updates": "STATUS_UPDATES", "targets": "TARGETS",
             "observations": "OBSERVATIONS", "relations": "RELATIONS"}


def record(table: str) -> Record:
    """The description of a table, as this module holds it now (a test may swap one in)."""
    return globals()[_BY_TABLE[table]]


def all_records() -> tuple[Record, ...]:
    return tuple(record(t) for t in _BY_TABLE)
