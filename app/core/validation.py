"""Field rules shared by the window, the importer and the command line (pure, no I/O).

The limits, and which rule checks which field, come from the records' description
(core.records); the functions here are the rules themselves and the messages they give.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any, Literal, overload

from . import bidi
from . import records as R
from .model import ANCHOR_STATES, DIRECTIONS, ITEM_KINDS, RELATION_KINDS, ValidationError
from .records import (  # noqa: F401 - the window's forms read these limits from here
    MAX_NAME,
    MAX_NUMBER,
    MAX_SOURCE_TEXT,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    MAX_TIMESTAMP,
    MAX_TITLE,
    MAX_URL,
)

_CANONICAL_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)

# Fields shown on one line (titles, refs, labels, names, tags, links): bidirectional embeddings,
# overrides and isolates are removed from them wherever they come from (see core.bidi).
SINGLE_LINE_FIELDS = frozenset({f.name for rec in R.all_records() for f in rec.fields if f.type in ("line", "url")}
                               | {"tag", "label"})
KEY_LIMIT = 40
_KEY = re.compile(r"[a-z][a-z0-9_]{0,%d}" % (KEY_LIMIT - 1), re.ASCII)


def __getattr__(name: str):
    # Fields of an item whose rule needs nothing from the file (framework, parent and status are
    # checked against what exists): the window (services.editing) and the importer both use these.
    if name == "ITEM_VALUE_FIELDS":
        return R.ITEMS.value_fields
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@overload
def parse_date(value, field: str, required: Literal[True]) -> str: ...
@overload
def parse_date(value, field: str, required: bool = False) -> str | None: ...
def parse_date(value, field: str, required: bool = False) -> str | None:
    """Return an ISO date (YYYY-MM-DD) or None; raise ValidationError naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"{_label(field)} is required.", field)
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{_label(field)} must be a date written as YYYY-MM-DD.", field)
    text = value.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(
            f"{_label(field)} '{_short(text)}' is not a real date; write it as YYYY-MM-DD.", field
        ) from None


def clean_text(value, field: str, *, required: bool = False, limit: int = MAX_TEXT,
               single_line: bool | None = None) -> str:
    """Text checked (no NUL, no lone surrogate, within `limit`, present when required) and trimmed.

    A single-line field (by default: the fields in SINGLE_LINE_FIELDS) loses its bidirectional
    embeddings, overrides and isolates first, so that it displays the words it stores.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{_label(field)} must be text.", field)
    check_unicode(value, field)
    if single_line if single_line is not None else field in SINGLE_LINE_FIELDS:
        value = bidi.remove_embeddings(value)
    if required and not value.strip():
        raise ValidationError(f"{_label(field)} cannot be empty.", field)
    if len(value) > limit:
        raise ValidationError(
            f"{_label(field)} is {len(value):,} characters long; the limit is {limit:,}.", field
        )
    return value.strip() if field in ("title", "ref", "actor", "author") else value


def check_unicode(value: str, field: str) -> None:
    if "\x00" in value:
        raise ValidationError(f"{_label(field)} contains a NUL character.", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{_label(field)} contains an invalid character (a lone surrogate).", field) from None


def clean_tags(value, limit: int = MAX_TAGS) -> list[str]:
    """Tags as a list (or typed as a comma list): trimmed, blanks dropped, each kept once; at most `limit`."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [t for t in (p.strip() for p in value.split(",")) if t]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationError("Tags must be a list of words.", "tags")
    if len(value) > limit:
        raise ValidationError(f"An item can have at most {limit} tags.", "tags")
    out: dict[str, None] = {}  # kept once each, in order (a dict: linear, whatever the count)
    for n, t in enumerate(value, start=1):
        try:
            t = clean_text(t, "tag", limit=MAX_TAG).strip()
        except ValidationError as e:  # name which tag: "Tag 3 is 120 characters long; ..."
            raise ValidationError(f"Tag {n} {str(e)[len('Tag '):]}", "tags") from None
        if t:
            out[t] = None
    return list(out)


def choice(value, allowed, field: str) -> str:
    if value not in allowed:
        raise ValidationError(
            f"{_label(field)} '{_short(str(value))}' is not one of: {', '.join(allowed)}.", field
        )
    return value


def kind(value) -> str:
    return choice(value, ITEM_KINDS, "kind")


def relation_kind(value) -> str:
    return choice(value, RELATION_KINDS, "relation kind")


def direction(value) -> str:
    return choice(value or "increase", DIRECTIONS, "direction")


def anchor_state(value) -> str:
    return choice(value or "exact", ANCHOR_STATES, "anchor_state")


def number(value, field: str, required: bool = False) -> float | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{_label(field)} is required.", field)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(f"{_label(field)} must be a number.", field)
    try:
        f = float(value)
    except (ValueError, OverflowError):
        raise ValidationError(f"{_label(field)} '{_short(str(value))}' is not a number.", field) from None
    if math.isnan(f) or math.isinf(f) or abs(f) > MAX_NUMBER:
        raise ValidationError(f"{_label(field)} must be a finite number below 10^15.", field)
    return f


def is_web_url(url: str | None) -> bool:
    """True for an http or https address: the only links the app stores or opens."""
    return isinstance(url, str) and url.strip().lower().startswith(("http://", "https://"))


def web_url(url: str | None, field: str = "url") -> str | None:
    """A stored web address: blank becomes None; anything but http/https is refused."""
    url = clean_text(url, field, limit=MAX_URL).strip()
    if url and not is_web_url(url):
        raise ValidationError("The web address (URL) must start with http:// or https://.", field)
    return url or None


def as_of_date(value, field: str = "as_of", today: str | None = None) -> str:
    """The date a status update speaks for: required, a real date, and not after today."""
    day = parse_date(value, field, required=True)
    today = today or dt.date.today().isoformat()
    if day > today:
        raise ValidationError(f"The as-of date {day} is in the future.", field)
    return day


def timestamp(value, field: str) -> str | None:
    """A moment in the database's own form, `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), or None when blank.

    Any ISO 8601 moment is accepted (an offset is converted to UTC; none means UTC). One form
    matters because moments are compared as text: "which update is latest" (core.status_rule)
    and "which copy of an item is newer" must mean later in time.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{_label(field)} must be a date and time written as text.", field)
    text = value.strip()
    if _CANONICAL_MOMENT.fullmatch(text):  # the usual case (our own exports): check it, keep it
        try:
            dt.datetime.fromisoformat(text[:-1])
            return text
        except ValueError:
            pass  # e.g. month 13: refused below with the full sentence
    if len(text) > MAX_TIMESTAMP:
        raise ValidationError(f"{_label(field)} is {len(text):,} characters long; the limit is {MAX_TIMESTAMP}.", field)
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        moment = moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise ValidationError(f"{_label(field)} '{_short(text)}' is not a date and time; write it as "
                              f"YYYY-MM-DDTHH:MM:SSZ.", field) from None
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")


def clean_source_meta(fields: dict) -> dict:
    """The descriptive fields of a source document (everything but its text), checked and trimmed."""
    return clean_values(R.SOURCES, fields)


def due_not_before(due_on: str | None, as_of: str | None) -> None:
    if due_on and as_of and due_on < as_of:
        raise ValidationError(f"The due date {due_on} is before the as-of date {as_of}.", "due_on")


# -- one rule per described field ---------------------------------------------------------------
def rule(f: R.Field, *, today: str | None = None) -> Callable[[Any], Any]:
    """The check of one described field as a function of its value: its cleaner with its limits.

    A blank value becomes the field's default (None when it may be empty). `today` is the day
    an as-of date may not pass (None: the real today, read when the rule runs).
    """
    name, c, limit, required = f.name, f.cleaner, f.limit, f.required
    if c == "clean_text":
        blank = None if f.nullable else ("" if f.default is None else f.default)
        return lambda value: clean_text(value, name, required=required, limit=limit) or blank
    if c == "parse_date":
        return lambda value: parse_date(value, name, required)
    if c == "number":
        return lambda value: number(value, name, required)
    if c == "clean_tags":
        return lambda value: clean_tags(value, limit)
    if c == "web_url":
        return lambda value: web_url(value, name)
    if c == "timestamp":
        return lambda value: timestamp(value, name)
    if c == "as_of_date":
        return lambda value: as_of_date(value, name, today)
    if c in ("kind", "relation_kind", "direction", "anchor_state"):  # a closed vocabulary, named in its own message
        return globals()[c]
    raise ValueError(f"{f.name}: no rule of its own ({c!r}); it is checked against the file")


def rules(rec: R.Record, *, today: str | None = None) -> dict[str, Callable[[Any], Any]]:
    """{field: rule} for a record's value fields (content checked without the file), in order."""
    if today is not None:
        return {n: rule(rec.field(n), today=today) for n in rec.value_fields}
    return rec.derive(("validation.rules",), lambda r: {n: rule(r.field(n)) for n in r.value_fields})


def clean_values(rec: R.Record, values: dict, *, today: str | None = None) -> dict:
    """A record's value fields from `values` (absent ones as blank), checked in order and trimmed."""
    return {n: check(values.get(n)) for n, check in rules(rec, today=today).items()}


# -- whole records: one rule for the window and the importer ----------------------------------
def clean_item_value(key: str, value):
    """One item field (see ITEM_VALUE_FIELDS), checked and trimmed; raises ValidationError naming it."""
    check = rules(R.ITEMS).get(key)
    if check is None:
        raise ValidationError(f"'{key}' is not a field of an item.")
    return check(value)


def vocabulary_key(value, field: str = "key") -> str:
    """A key of the vocabulary (a status, an item kind, a relation kind): ASCII `[a-z0-9_]`,
    1 to 40 characters, starting with a letter, so that no key can look like another."""
    if not isinstance(value, str):
        raise ValidationError(f"{_label(field)} must be text.", field)
    if _KEY.fullmatch(value):
        return value
    shown = _short(ascii(value)[1:-1] if not value.isprintable() else value)
    if not value:
        raise ValidationError(f"{_label(field)} cannot be empty.", field)
    if len(value) > KEY_LIMIT:
        raise ValidationError(f"{_label(field)} '{shown}' is {len(value):,} characters long; "
                              f"the limit is {KEY_LIMIT}.", field)
    bad = next((ch for i, ch in enumerate(value)
                if not ("a" <= ch <= "z" or (i and ("0" <= ch <= "9" or ch == "_")))), value[0])
    what = f"U+{ord(bad):04X} {unicodedata.name(bad, 'an unnamed character')}"
    if bad in "0123456789_" and bad == value[0]:
        raise ValidationError(f"{_label(field)} '{shown}' starts with '{bad}'; a key must start with "
                              f"a letter a-z.", field)
    raise ValidationError(f"{_label(field)} '{shown}' holds {what}, which is not allowed; a key may hold "
                          f"only a-z, 0-9 and _.", field)


def not_after(value: str | None, latest: str, field: str, allowance: str = "") -> str | None:
    """A date or moment that is not after `latest` (both in the database's own form, which
    compares as text); `allowance` is said in the message (e.g. " plus 10 minutes")."""
    if value is not None and value > latest:
        raise ValidationError(f"{_label(field)} {value} is in the future (after {latest}{allowance}).", field)
    return value


def status_key(value, known) -> str:
    """A status key among `known` (the file's vocabulary, plus a document's own when importing)."""
    if not isinstance(value, str) or value not in known:
        raise ValidationError(f"Status '{_short(str(value))}' is not a known status.", "status")
    return value


def clean_framework_fields(fields: dict, *, partial: bool) -> dict:
    """Title, actor and description of a framework."""
    rec = R.FRAMEWORKS
    checks = rules(rec)
    out = {}
    for key, value in fields.items():
        check = checks.get(key)
        if check is None:
            raise ValidationError(f"'{key}' is not a field of a framework.")
        out[key] = check(value)
    if not partial:
        for name in checks:
            f = rec.field(name)
            if name in out:
                continue
            if f.required:
                raise ValidationError(f"{f.label} is required.", name)
            out[name] = None if f.nullable else f.default
    return out


def clean_update_fields(as_of, note, author, *, today: str | None = None) -> dict:
    """The dated part of a status update: as_of (required, not in the future), note and author."""
    return clean_values(R.STATUS_UPDATES, {"as_of": as_of, "note": note, "author": author}, today=today)


def clean_observation_fields(value, observed_on, note) -> dict:
    """A measured value toward a target: a finite number, the date it was observed, a note."""
    return clean_values(R.OBSERVATIONS, {"value": value, "observed_on": observed_on, "note": note})


def clean_relation_fields(kind_, note) -> dict:
    return clean_values(R.RELATIONS, {"kind": kind_, "note": note})


def clean_target(target: dict | None) -> dict | None:
    """A numeric target (unit, baseline, target, their dates, direction), or None for none."""
    if target is None:
        return None
    out = clean_values(R.TARGETS, target)
    if out.get("baseline_on") and out.get("target_on") and out["target_on"] < out["baseline_on"]:
        raise ValidationError("The target date is before the baseline date.", "target_on")
    return out


def tags_json(tags: list[str]) -> str:
    return json.dumps(tags, ensure_ascii=False)


def placed(where: str, error: ValidationError) -> str:
    """An error as the importer reports it: `items[3].ref: is 201 characters long; the limit is 200`.

    The message's own field label ("Ref ...") gives way to the place, which names the field.
    """
    msg = str(error).strip().rstrip(".")
    label = _label(error.field or "")
    if error.field and msg.startswith(label + " "):
        msg = msg[len(label) + 1:]
    elif msg[:1].isupper() and not msg[1:2].isupper():
        msg = msg[0].lower() + msg[1:]
    return f"{where}: {msg}"


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
