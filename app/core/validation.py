"""Field rules shared by the window, the importer and the command line (pure, no I/O)."""
from __future__ import annotations

import datetime as dt
import json
import math
import re

from .model import DIRECTIONS, ITEM_KINDS, RELATION_KINDS, ValidationError

# Fields of an item whose rule needs nothing from the file (framework, parent and status are
# checked against what exists). The window (services.editing) and the importer both use these.
ITEM_VALUE_FIELDS = ("ref", "kind", "title", "description", "actor", "due_on", "tags")

MAX_TITLE = 1_000
MAX_TEXT = 100_000
MAX_SOURCE_TEXT = 20_000_000
MAX_TAGS = 100
MAX_TAG = 100
MAX_NAME = 200  # ref, actor, author of an update: one line that fits a table cell
MAX_URL = 2_000
MAX_TIMESTAMP = 40
_CANONICAL_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


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


def clean_text(value, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{_label(field)} must be text.", field)
    check_unicode(value, field)
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


def clean_tags(value) -> list[str]:
    """Tags as a list (or typed as a comma list): trimmed, blanks dropped, each kept once."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [t for t in (p.strip() for p in value.split(",")) if t]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationError("Tags must be a list of words.", "tags")
    if len(value) > MAX_TAGS:
        raise ValidationError(f"An item can have at most {MAX_TAGS} tags.", "tags")
    out: list[str] = []
    for n, t in enumerate(value, start=1):
        try:
            t = clean_text(t, "tag", limit=MAX_TAG).strip()
        except ValidationError as e:  # name which tag: "Tag 3 is 120 characters long; ..."
            raise ValidationError(f"Tag {n} {str(e)[len('Tag '):]}", "tags") from None
        if t and t not in out:
            out.append(t)
    return out


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
    if math.isnan(f) or math.isinf(f) or abs(f) > 1e15:
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
    return {
        "title": clean_text(fields.get("title"), "title", required=True, limit=MAX_TITLE),
        "kind": clean_text(fields.get("kind"), "kind", limit=40) or "document",
        "publisher": clean_text(fields.get("publisher"), "publisher", limit=500) or None,
        "author": clean_text(fields.get("author"), "author", limit=500) or None,
        "event": clean_text(fields.get("event"), "event", limit=500) or None,
        "published_on": parse_date(fields.get("published_on"), "published_on"),
        "url": web_url(fields.get("url"), "url"),
        "language": clean_text(fields.get("language"), "language", limit=20) or None,
    }


def due_not_before(due_on: str | None, as_of: str | None) -> None:
    if due_on and as_of and due_on < as_of:
        raise ValidationError(f"The due date {due_on} is before the as-of date {as_of}.", "due_on")


# -- whole records: one rule for the window and the importer ----------------------------------
def clean_item_value(key: str, value):
    """One item field (see ITEM_VALUE_FIELDS), checked and trimmed; raises ValidationError naming it."""
    if key == "title":
        return clean_text(value, "title", required=True, limit=MAX_TITLE)
    if key == "ref":
        return clean_text(value, "ref", limit=MAX_NAME)
    if key == "actor":
        return clean_text(value, "actor", limit=MAX_NAME) or None
    if key == "description":
        return clean_text(value, "description")
    if key == "kind":
        return kind(value)
    if key == "due_on":
        return parse_date(value, "due_on")
    if key == "tags":
        return clean_tags(value)
    raise ValidationError(f"'{key}' is not a field of an item.")


def status_key(value, known) -> str:
    """A status key among `known` (the file's vocabulary, plus a document's own when importing)."""
    if not isinstance(value, str) or value not in known:
        raise ValidationError(f"Status '{_short(str(value))}' is not a known status.", "status")
    return value


def clean_framework_fields(fields: dict, *, partial: bool) -> dict:
    """Title, actor and description of a framework."""
    out = {}
    for key, value in fields.items():
        if key == "title":
            out[key] = clean_text(value, "title", required=True, limit=MAX_TITLE)
        elif key == "actor":
            out[key] = clean_text(value, "actor", limit=MAX_NAME) or None
        elif key == "description":
            out[key] = clean_text(value, "description")
        else:
            raise ValidationError(f"'{key}' is not a field of a framework.")
    if not partial:
        if "title" not in out:
            raise ValidationError("Title is required.", "title")
        out.setdefault("actor", None)
        out.setdefault("description", "")
    return out


def clean_update_fields(as_of, note, author, *, today: str | None = None) -> dict:
    """The dated part of a status update: as_of (required, not in the future), note and author."""
    return {"as_of": as_of_date(as_of, "as_of", today), "note": clean_text(note, "note"),
            "author": clean_text(author, "author", limit=MAX_NAME)}


def clean_observation_fields(value, observed_on, note) -> dict:
    """A measured value toward a target: a finite number, the date it was observed, a note."""
    return {"value": number(value, "value", required=True),
            "observed_on": parse_date(observed_on, "observed_on", required=True), "note": clean_text(note, "note")}


def clean_relation_fields(kind_, note) -> dict:
    return {"kind": relation_kind(kind_), "note": clean_text(note, "note")}


def clean_target(target: dict | None) -> dict | None:
    """A numeric target (unit, baseline, target, their dates, direction), or None for none."""
    if target is None:
        return None
    out = {"unit": clean_text(target.get("unit"), "unit", limit=100),
           "baseline": number(target.get("baseline"), "baseline"),
           "baseline_on": parse_date(target.get("baseline_on"), "baseline_on"),
           "target": number(target.get("target"), "target", required=True),
           "target_on": parse_date(target.get("target_on"), "target_on"),
           "direction": direction(target.get("direction"))}
    if out["baseline_on"] and out["target_on"] and out["target_on"] < out["baseline_on"]:
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
