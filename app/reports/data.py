"""What a status report says, as plain data (no Qt, no HTML): options, presets and `build_report`.

The rule for "status as of D" (the report shows each item as it stood on its date, and nothing
it could not have known on that date):

1. the item's latest status update dated on or before D gives its status and the date shown
   (analysts back-fill history, so a dated update counts whenever it was typed);
2. an item without such an update that was first recorded after D (created_at) is left out:
   it did not exist on D. The cover says how many were left out;
3. an item with no status update at all, unchanged since D (updated_at on or before D), shows
   its stored status, undated: nothing has touched it since, so it held on D too;
4. any other item shows "Not yet recorded": its history says nothing about D.

Targets and observations follow the same rule: only observations dated on or before D count, and
a baseline dated after D is "not yet recorded" (so no share of the way is computed from it).

Overdue: a due date before D and a status (as of D) other than achieved or abandoned.
Without a recent update: no update in the `stale_days` days up to D (or none at all), again
leaving out achieved and abandoned items, which need no further news.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import platformdirs

from ..core.bidi import show_embeddings
from ..core.model import PolicyTrackerError
from ..core.progress import progress_fraction
from ..exchange.atomic import write_atomically
from ..paths import APP_NAME
from ..store import editions
from ..store import report_queries as q
from ..store import reviews as review_queries
from ..store.store import Store

PAGE_SIZES = ("A4", "Letter")
CLOSED_STATUSES = frozenset({"achieved", "abandoned"})
NOT_APPROVED = "(not yet approved)"  # beside an entry a reviewer has not approved (review states)
ProgressFn = Callable[[int, int], bool]  # (done, total) -> False to cancel


# -- options and presets ---------------------------------------------------------------------------
@dataclass
class ReportOptions:
    """What to report on and how; empty filter lists mean "all"."""

    framework_ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    as_of: dt.date | None = None  # None: today
    include_notes: bool = True
    notes_per_item: int = 3
    include_quotes: bool = True
    include_charts: bool = True
    stale_days: int = 90
    title: str = "Status report"
    analyst: str = ""
    page_size: str = "A4"
    show_file: bool = False  # name the database file on the cover and in the footer
    crosswalk: list[str] = field(default_factory=list)  # two framework ids: a crosswalk of them (crosswalk_section)
    # status, notes and progress from approved entries alone (review states); otherwise unapproved
    # entries are shown marked NOT_APPROVED
    approved_only: bool = False

    def effective_as_of(self) -> dt.date:
        return self.as_of or dt.date.today()

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["as_of"] = self.as_of.isoformat() if self.as_of else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ReportOptions":
        """Options from saved settings; unknown keys are ignored and bad values refused in one sentence."""
        if not isinstance(d, dict):
            raise PolicyTrackerError("The saved report settings are not a set of options.")
        known = {f.name for f in dataclasses.fields(cls)}
        kw: dict[str, Any] = {k: v for k, v in d.items() if k in known}
        for key in ("framework_ids", "statuses", "kinds", "tags", "crosswalk"):
            v = kw.get(key)
            if v is None:
                kw.pop(key, None)
            elif not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                raise PolicyTrackerError(f"The saved report setting '{key}' must be a list of names.")
        if kw.get("as_of"):
            kw["as_of"] = parse_as_of(kw["as_of"])
        else:
            kw["as_of"] = None
        for key in ("notes_per_item", "stale_days"):
            if key in kw and (not isinstance(kw[key], int) or isinstance(kw[key], bool) or kw[key] < 0):
                raise PolicyTrackerError(f"The saved report setting '{key}' must be a whole number.")
        for key in ("include_notes", "include_quotes", "include_charts", "show_file", "approved_only"):
            if key in kw and not isinstance(kw[key], bool):
                raise PolicyTrackerError(f"The saved report setting '{key}' must be true or false.")
        for key in ("title", "analyst"):
            if key in kw and not isinstance(kw[key], str):
                raise PolicyTrackerError(f"The saved report setting '{key}' must be text.")
        if "page_size" in kw:
            kw["page_size"] = parse_page_size(kw["page_size"])
        return cls(**kw)


def parse_as_of(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PolicyTrackerError(f"'{value}' is not a date; write it as YYYY-MM-DD.") from None


def parse_page_size(value: Any) -> str:
    for p in PAGE_SIZES:
        if str(value).strip().lower() == p.lower():
            return p
    raise PolicyTrackerError(f"Page size '{value}' is not one of {', '.join(PAGE_SIZES)}.")


def presets_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "report-presets.json"


def _read_presets() -> dict[str, dict]:
    path = presets_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise PolicyTrackerError(f"The saved report settings in {path} cannot be read.") from None
    return data if isinstance(data, dict) else {}


def list_presets() -> list[str]:
    return sorted(_read_presets(), key=str.casefold)


def load_preset(name: str) -> ReportOptions:
    presets = _read_presets()
    if name not in presets:
        known = ", ".join(sorted(presets)) or "none saved yet"
        raise PolicyTrackerError(f"There are no saved report settings named '{name}' (known: {known}).")
    return ReportOptions.from_dict(presets[name])


def save_preset(name: str, options: ReportOptions) -> Path:
    """Save (or replace) named report settings, atomically."""
    name = name.strip()
    if not name:
        raise PolicyTrackerError("Give the report settings a name.")
    presets = _read_presets()
    presets[name] = options.to_dict()
    return _write_presets(presets)


def delete_preset(name: str) -> None:
    presets = _read_presets()
    if presets.pop(name, None) is not None:
        _write_presets(presets)


def last_options_path() -> Path:
    return presets_path().with_name("report-last.json")


def load_last_options() -> ReportOptions:
    """The settings the report dialog was last confirmed with (defaults when none or unreadable).

    An unreadable file is not the person's doing here (they asked for no file), so it is not an
    error: the dialog starts from the defaults, and the next confirmation writes a good file.
    """
    path = last_options_path()
    try:
        return ReportOptions.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, PolicyTrackerError, TypeError):
        return ReportOptions()


def save_last_options(options: ReportOptions) -> None:
    """Keep the dialog's settings for the next Preview, Print or Export, and the next start."""
    path = last_options_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(options.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))


def _write_presets(presets: dict) -> Path:
    path = presets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(presets, ensure_ascii=False, indent=2, sort_keys=True))
    return path


# -- the report's content ----------------------------------------------------------------------------
@dataclass
class StatusInfo:
    key: str
    label: str
    color: str
    description: str = ""


@dataclass
class Note:
    as_of: str
    status: StatusInfo
    text: str
    author: str


@dataclass
class Progress:
    unit: str
    baseline: float | None
    baseline_on: str | None
    latest: float | None
    latest_on: str | None
    target: float
    target_on: str | None
    direction: str
    fraction: float | None  # share of the way from baseline to target (may be <0 or >1)
    observations: list[tuple[str, float]] = field(default_factory=list)  # (date, value), oldest first

    @property
    def bar_fraction(self) -> float:
        return min(1.0, max(0.0, self.fraction or 0.0))


@dataclass
class Quote:
    text: str
    source_id: str
    source_number: int
    source_title: str
    outlet: str
    published_on: str
    author: str
    language: str
    page: int | None = None  # the page of a paged source (a PDF) the words are on

    @property
    def mark(self) -> str:
        """What stands beside the words: the source's number, and its page when the source has pages."""
        return f"S{self.source_number}" + (f", p. {self.page}" if self.page is not None else "")

    @property
    def citation(self) -> str:
        """Outlet, date, "document title" - the parts that are known."""
        parts = [p for p in (self.outlet, self.published_on) if p]
        parts.append(f"“{self.source_title}”")
        return ", ".join(parts)


@dataclass
class Related:
    relation: str  # label, read from this item: "Aligns with", "Supported by"...
    ref: str
    title: str
    framework: str
    status: StatusInfo


@dataclass
class ItemReport:
    id: str
    framework_id: str
    ref: str
    title: str
    description: str
    kind: str
    kind_label: str
    actor: str
    tags: list[str]
    due_on: str | None
    status: StatusInfo
    status_on: str | None  # date of the update that set the status shown, None when undated
    status_basis: str  # 'update' | 'stored' | 'not_yet_recorded'
    overdue: bool
    stale: bool
    notes: list[Note]
    progress: Progress | None
    quotes: list[Quote]
    related: list[Related]
    # a new edition of a source left one of its citations for a person to check (review, not found)
    evidence_waiting: bool = False


@dataclass
class FrameworkSection:
    id: str
    title: str
    actor: str
    description: str
    counts: list[tuple[StatusInfo, int]]  # every status of the vocabulary, in its order
    items: list[ItemReport]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> list[ItemReport]:
        return [i for i in self.items if i.overdue]

    @property
    def stale(self) -> list[ItemReport]:
        return [i for i in self.items if i.stale]

    @property
    def evidence_waiting(self) -> list[ItemReport]:
        return [i for i in self.items if i.evidence_waiting]


@dataclass
class SourceEntry:
    number: int
    id: str
    title: str
    kind: str
    publisher: str
    author: str
    event: str
    published_on: str
    url: str
    cited_by: int


@dataclass
class Cover:
    title: str
    as_of: str
    generated_on: str
    database: str  # the file's name and folder when options.show_file, else ""
    analyst: str
    selection: list[tuple[str, str]]  # (what, which)
    left_out: int = 0  # items first recorded after the date (rule 2)
    not_approved_left_out: int = 0  # items not yet approved, left out of an approved-only report


@dataclass
class Report:
    options: ReportOptions
    cover: Cover
    statuses: list[StatusInfo]
    frameworks: list[FrameworkSection]
    sources: list[SourceEntry]
    crosswalk: Any = None  # a crosswalk_section.CrosswalkTable when the options ask for one

    @property
    def items(self) -> list[ItemReport]:
        return [i for f in self.frameworks for i in f.items]

    def totals(self) -> list[tuple[StatusInfo, int]]:
        sums: dict[str, int] = {}
        for f in self.frameworks:
            for s, n in f.counts:
                sums[s.key] = sums.get(s.key, 0) + n
        return [(s, sums.get(s.key, 0)) for s in self.statuses]


def text_direction(text: str | None) -> str:
    """'rtl' when the first strong character is right-to-left (Persian, Arabic, Hebrew), else 'ltr'."""
    for ch in text or "":
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"


def progress_of(target: dict, observations: list[dict], as_of: str | None = None) -> Progress:
    """Progress toward a target from its baseline and the latest observation given.

    The fraction is app.core.progress.progress_fraction, the rule the window's bar uses too:
    none for 'maintain', without a baseline, or without an observation. A baseline dated after
    as_of was not known then: it is left out, and so is the fraction.
    """
    if as_of and target.get("baseline_on") and target["baseline_on"] > as_of:
        target = {**target, "baseline": None, "baseline_on": None}
    obs = [(o["observed_on"], float(o["value"])) for o in observations]
    latest_on, latest = obs[-1] if obs else (None, None)
    return Progress(unit=target.get("unit") or "", baseline=target.get("baseline"),
                    baseline_on=target.get("baseline_on"), latest=latest, latest_on=latest_on,
                    target=float(target["target"]), target_on=target.get("target_on"),
                    direction=target.get("direction") or "increase",
                    fraction=progress_fraction(target, observations), observations=obs)


NOT_YET = "not_yet_recorded"  # the pseudo-status of rule 4; not a status of the vocabulary


def _status_as_of(row: dict, latest: dict[str, dict], has_updates: set[str],
                  as_of: str) -> tuple[str, str | None, str] | None:
    """(status key, date shown, basis) of an item on as_of by the module's rule; None: left out."""
    item_id = row["id"]
    if item_id in latest:
        return latest[item_id]["status"], latest[item_id]["as_of"], "update"
    if (row.get("created_at") or "")[:10] > as_of:
        return None
    if item_id not in has_updates and (row.get("updated_at") or "")[:10] <= as_of:
        return row["status"], None, "stored"
    return NOT_YET, None, NOT_YET


_INVERSE_LABELS = {"supports": "Supported by", "supersedes": "Superseded by"}


def build_report(store: Store, options: ReportOptions, progress: ProgressFn | None = None) -> Report:
    """Gather everything the report shows, as of options.as_of, in a fixed number of queries."""
    as_of = options.effective_as_of().isoformat()
    vocab = store.statuses()
    statuses = [StatusInfo(s["key"], s["label"], s["color"], s.get("description") or "") for s in vocab]
    by_key = {s.key: s for s in statuses}

    not_yet = StatusInfo(NOT_YET, "Not yet recorded", "#b8bec8",
                         "No dated status on or before this date: its history says nothing about that day.")

    def status(key: str) -> StatusInfo:
        if key == NOT_YET:
            return not_yet
        return by_key.get(key) or StatusInfo(key, key.replace("_", " ").capitalize(), "#888888")

    kinds = {k["key"]: k["label"] for k in store.item_kinds()}
    rel_labels = {k["key"]: k["label"] for k in store.relation_kinds()}
    frameworks_all = store.list_frameworks()
    fw_ids = list(options.framework_ids)
    if fw_ids:
        known = {f["id"] for f in frameworks_all}
        missing = [f for f in fw_ids if f not in known]
        if missing:
            raise PolicyTrackerError(f"There is no framework with id '{missing[0]}'.")

    rows = q.report_items(store, framework_ids=fw_ids or None, kinds=options.kinds or None,
                          tags=options.tags or None)
    # entries a reviewer has not approved: left out of an approved-only report, else marked
    pending = review_queries.not_approved(store)
    unapproved_items = 0
    if options.approved_only and pending:
        unapproved_items = sum(1 for r in rows if r["id"] in pending)
        rows = [r for r in rows if r["id"] not in pending]
    ids = [r["id"] for r in rows]
    # approved-only: the status is the latest approved update's; an item whose updates are all
    # unapproved is "not yet recorded" (its stored status came from them), never its stored status
    latest_upto = review_queries.latest_approved_status_upto if options.approved_only else q.latest_status_upto
    any_update = q.items_with_any_update
    latest = latest_upto(store, ids, as_of)
    has_updates = any_update(store, ids)
    wanted = set(options.statuses)
    kept = []
    left_out = 0
    for r in rows:
        got = _status_as_of(r, latest, has_updates, as_of)
        if got is None:
            left_out += 1
            continue
        key, on, basis = got
        if wanted and key not in wanted:
            continue
        kept.append((r, key, on, basis))
    ids = [r["id"] for r, *_ in kept]

    updates = q.status_updates_upto(store, ids, as_of) if options.include_notes else {}
    if options.approved_only and pending:
        updates = {k: [u for u in us if u["id"] not in pending] for k, us in updates.items()}
    citations = q.citations_for_items(store, ids) if options.include_quotes else {}
    pages = q.citation_pages(store, ids) if options.include_quotes else {}
    targets = q.targets_for_items(store, ids)
    observations = q.observations_upto(store, list(targets), as_of)
    if options.approved_only and pending:
        observations = {k: [o for o in os_ if o["id"] not in pending] for k, os_ in observations.items()}
    relations = q.relations_for_items(store, ids)
    others = sorted({o["other_id"] for links in relations.values() for o in links})
    other_latest = latest_upto(store, others, as_of)
    other_has = any_update(store, others)

    # sources are numbered in order of first citation, so [S1] is the first one the reader meets
    source_numbers: dict[str, int] = {}
    cited_by: dict[str, set[str]] = {}
    for r, *_ in kept:
        for c in citations.get(r["id"], []):
            source_numbers.setdefault(c["source_id"], len(source_numbers) + 1)
            cited_by.setdefault(c["source_id"], set()).add(r["id"])

    stale_before = (options.effective_as_of() - dt.timedelta(days=options.stale_days)).isoformat()
    waiting = editions.items_waiting(store, [r["id"] for r, *_ in kept])
    sections: dict[str, FrameworkSection] = {}
    fw_rows = {f["id"]: f for f in frameworks_all}
    total = len(kept)
    for n, (r, key, on, basis) in enumerate(kept):
        if progress and n % 200 == 0 and progress(n, total) is False:
            raise PolicyTrackerError("The report was cancelled.")
        ups = updates.get(r["id"], [])
        notes = [Note(u["as_of"], status(u["status"]), _marked(show_embeddings(u["note"] or ""), u["id"] in pending),
                      u["author"] or "")
                 for u in ups[: max(0, options.notes_per_item)]] if options.include_notes else []
        quotes = [Quote(show_embeddings(c["quote"]), c["source_id"], source_numbers[c["source_id"]],
                        c["source_title"] or "",
                        c["source_publisher"] or "", c["source_published_on"] or "", c["source_author"] or "",
                        c["source_language"] or "", pages.get(c["id"]))
                  for c in citations.get(r["id"], [])]
        related = []
        for o in relations.get(r["id"], []):
            if o["framework_id"] == r["framework_id"]:
                continue
            ogot = _status_as_of({**o, "id": o["other_id"]}, other_latest, other_has, as_of)
            if ogot is None:
                continue  # the other item did not exist on the date
            okey = ogot[0]
            label = rel_labels.get(o["kind"], o["kind"])
            if o["direction"] == "in":
                label = _INVERSE_LABELS.get(o["kind"], label)
            related.append(Related(label, o["ref"] or "", o["title"], o["framework"], status(okey)))
        tgt = targets.get(r["id"])
        closed = key in CLOSED_STATUSES
        item = ItemReport(
            id=r["id"], framework_id=r["framework_id"], ref=r["ref"] or "",
            title=_marked(r["title"], r["id"] in pending),
            description=show_embeddings(r["description"] or ""), kind=r["kind"],
            kind_label=kinds.get(r["kind"], r["kind"]),
            actor=r["actor"] or "", tags=list(r["tags"] or []), due_on=r["due_on"],
            status=status(key), status_on=on, status_basis=basis,
            overdue=bool(r["due_on"] and r["due_on"] < as_of and not closed),
            stale=bool(not closed and (on is None or on < stale_before)),
            notes=notes, progress=progress_of(tgt, observations.get(r["id"], []), as_of) if tgt else None,
            quotes=quotes, related=related, evidence_waiting=r["id"] in waiting)
        fw = fw_rows[r["framework_id"]]
        sec = sections.get(fw["id"])
        if sec is None:
            sec = sections[fw["id"]] = FrameworkSection(fw["id"], fw["title"], fw["actor"] or "",
                                                        fw["description"] or "", [], [])
        sec.items.append(item)
    if any(k == NOT_YET for _, k, _, _ in kept):
        statuses = [*statuses, not_yet]  # counted in its own column, after the vocabulary
    for sec in sections.values():
        counts: dict[str, int] = {}
        for i in sec.items:
            counts[i.status.key] = counts.get(i.status.key, 0) + 1
        sec.counts = [(s, counts.get(s.key, 0)) for s in statuses]
    # frameworks chosen but with nothing to show still appear, so the reader sees they were covered
    for fid in fw_ids:
        if fid not in sections:
            fw = fw_rows[fid]
            sections[fid] = FrameworkSection(fid, fw["title"], fw["actor"] or "", fw["description"] or "",
                                             [(s, 0) for s in statuses], [])
    ordered = sorted(sections.values(), key=lambda s: (s.title.casefold(), s.id))

    srcs = q.sources_by_ids(store, list(source_numbers))
    sources = [SourceEntry(num, sid, srcs[sid]["title"], srcs[sid]["kind"] or "", srcs[sid]["publisher"] or "",
                           srcs[sid]["author"] or "", srcs[sid]["event"] or "", srcs[sid]["published_on"] or "",
                           srcs[sid]["url"] or "", len(cited_by.get(sid, ())))
               for sid, num in sorted(source_numbers.items(), key=lambda kv: kv[1])]

    database = f"{store.path.name} (in {store.path.parent})" if options.show_file else ""
    cover = Cover(title=options.title or "Status report", as_of=as_of,
                  generated_on=dt.date.today().isoformat(), database=database,
                  analyst=options.analyst, selection=_selection(options, frameworks_all, statuses, kinds, len(kept)),
                  left_out=left_out, not_approved_left_out=unapproved_items)
    if options.approved_only:
        cover.selection.append(("Review", "Approved entries only" + (
            f"; {unapproved_items:,} item{'s' if unapproved_items != 1 else ''} not yet approved left out"
            if unapproved_items else "")))
    elif pending:
        cover.selection.append(("Review", f"Entries marked {NOT_APPROVED} await a reviewer's approval"))
    if progress:
        progress(total, total)
    from .crosswalk_section import build_crosswalk
    return Report(options=options, cover=cover, statuses=statuses, frameworks=ordered, sources=sources,
                  crosswalk=build_crosswalk(store, options.crosswalk, as_of))


def _marked(text: str, pending: bool) -> str:
    return f"{text} {NOT_APPROVED}" if pending else text


def _selection(options: ReportOptions, frameworks: list[dict], statuses: list[StatusInfo],
               kinds: dict[str, str], n_items: int) -> list[tuple[str, str]]:
    """The cover's plain-words account of what the report covers."""
    titles = {f["id"]: f["title"] for f in frameworks}
    labels = {s.key: s.label for s in statuses}
    out = [("Frameworks", "; ".join(titles.get(f, f) for f in options.framework_ids)
            if options.framework_ids else f"All ({len(frameworks)})"),
           ("Statuses", ", ".join(labels.get(s, s) for s in options.statuses) if options.statuses else "All"),
           ("Kinds", ", ".join(kinds.get(k, k) for k in options.kinds) if options.kinds else "All")]
    if options.tags:
        out.append(("Tags", ", ".join(options.tags)))
    out.append(("Status as of", options.effective_as_of().isoformat()))
    included = []
    if options.include_notes:
        included.append(f"latest {options.notes_per_item} notes per item")
    if options.include_quotes:
        included.append("quoted source words")
    if options.include_charts:
        included.append("charts")
    out.append(("Includes", ", ".join(included) or "status only"))
    out.append(("Items reported", f"{n_items:,}"))
    return out


def resolve_frameworks(store: Store, names: list[str]) -> list[str]:
    """Framework ids from ids or titles (exact, then case-insensitive, then a unique title prefix)."""
    frameworks = store.list_frameworks()
    out = []
    for name in names:
        n = name.strip()
        match = [f for f in frameworks if f["id"] == n] or [f for f in frameworks if f["title"] == n] \
            or [f for f in frameworks if f["title"].casefold() == n.casefold()] \
            or [f for f in frameworks if f["title"].casefold().startswith(n.casefold())]
        if not match:
            raise PolicyTrackerError(f"There is no framework called '{name}'; `policy-tracker report --help` "
                                     f"explains how to name one (its id or title).")
        if len(match) > 1:
            raise PolicyTrackerError(f"'{name}' could mean {len(match)} frameworks; give more of the title or the id.")
        out.append(match[0]["id"])
    return out
