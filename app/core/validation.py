"""Field rules shared by the window, the importer and the command line (pure, no I/O)."""
from __future__ import annotations

import datetime as dt
import json
import math

from .model import DIRECTIONS, ITEM_KINDS, RELATION_KINDS, ValidationError

MAX_TITLE = 1_000
MAX_TEXT = 100_000
MAX_SOURCE_TEXT = 20_000_000
MAX_TAGS = 100


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
    if value is None:
        return []
    if isinstance(value, str):
        value = [t for t in (p.strip() for p in value.split(",")) if t]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationError("Tags must be a list of words.", "tags")
    if len(value) > MAX_TAGS:
        raise ValidationError(f"An item can have at most {MAX_TAGS} tags.", "tags")
    out: list[str] = []
    for t in value:
        t = clean_text(t, "tags", limit=100).strip()
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
    return bool(url) and url.strip().lower().startswith(("http://", "https://"))


def web_url(url: str | None, field: str = "url") -> str | None:
    """A stored web address: blank becomes None; anything but http/https is refused."""
    url = (url or "").strip()
    if url and not is_web_url(url):
        raise ValidationError("The web address (URL) must start with http:// or https://.", field)
    return url or None


def due_not_before(due_on: str | None, as_of: str | None) -> None:
    if due_on and as_of and due_on < as_of:
        raise ValidationError(f"The due date {due_on} is before the as-of date {as_of}.", "due_on")


def tags_json(tags: list[str]) -> str:
    return json.dumps(tags, ensure_ascii=False)


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
