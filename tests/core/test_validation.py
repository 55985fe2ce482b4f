"""Field rules: dates, text, numbers and tags are checked with one clear message each."""
import pytest

from app.core import validation as v
from app.core.model import ValidationError
from app.core.textnorm import normalize


@pytest.mark.parametrize("bad", ["2025-02-30", "31/01/2025", "tomorrow", "2025-13-01"])
def test_impossible_dates_are_refused_with_the_field_named(bad):
    """An impossible date names the field and shows the expected form."""
    with pytest.raises(ValidationError, match="Due on .*YYYY-MM-DD"):
        v.parse_date(bad, "due_on")


def test_dates_are_normalised():
    """A valid date comes back in ISO form; blank means none."""
    assert v.parse_date(" 2025-01-31 ", "as_of") == "2025-01-31"
    assert v.parse_date("", "due_on") is None


@pytest.mark.parametrize("value,msg", [("", "cannot be empty"), ("a\x00b", "NUL"), ("\ud800", "surrogate"),
                                       ("x" * 1001, "limit is 1,000")])
def test_bad_titles(value, msg):
    """Empty, NUL, lone surrogate and overlong titles are refused."""
    with pytest.raises(ValidationError, match=msg):
        v.clean_text(value, "title", required=True, limit=v.MAX_TITLE)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "1e400", "abc", True, 10**20])
def test_bad_numbers(value):
    """NaN, infinity, huge and non-numeric values are refused."""
    with pytest.raises(ValidationError):
        v.number(value, "target")


def test_due_date_before_as_of_is_refused():
    """A due date before its as-of date is an error that names the due date."""
    with pytest.raises(ValidationError, match="before the as-of date"):
        v.due_not_before("2024-01-01", "2025-01-01")


def test_tags_from_text_are_split_and_deduplicated():
    """Tags typed as a comma list become a clean list."""
    assert v.clean_tags("ai, connectivity, ai,, ") == ["ai", "connectivity"]


def test_persian_normalisation_maps_arabic_forms_and_digits():
    """Arabic yeh/kaf and Persian digits map to one searchable form, one code point each."""
    arabic = "كيف ۱۴۰۳"
    out = normalize(arabic)
    assert out == "کیف 1403" and len(out) == len(arabic)


@pytest.mark.parametrize("given,stored", [
    ("2025-06-01T00:00:00.000Z", "2025-06-01T00:00:00.000Z"),
    ("2025-06-01T00:00:00Z", "2025-06-01T00:00:00.000Z"),
    ("2025-06-01T03:30:00.123456+03:30", "2025-06-01T00:00:00.123Z"),
    ("2025-06-01T00:00:00", "2025-06-01T00:00:00.000Z"),
    ("", None),
])
def test_timestamps_take_the_databases_own_form(given, stored):
    """Any ISO moment becomes UTC with milliseconds, the form the database writes itself."""
    assert v.timestamp(given, "created_at") == stored


@pytest.mark.parametrize("bad,msg", [("yesterday", "is not a date and time"), (5, "must be a date and time"),
                                     ("2025-06-01T00:00:00Z" + " " * 30 + "x", "limit is 40")])
def test_bad_timestamps_are_refused(bad, msg):
    """A moment that cannot be read is refused with the field named."""
    with pytest.raises(ValidationError, match=f"Created at .*{msg}"):
        v.timestamp(bad, "created_at")


def test_an_as_of_date_after_today_is_refused():
    """A status update cannot speak for a day after today; today itself is fine."""
    assert v.as_of_date("2025-03-04", today="2025-03-04") == "2025-03-04"
    with pytest.raises(ValidationError, match="The as-of date 2025-03-05 is in the future"):
        v.as_of_date("2025-03-05", today="2025-03-04")


def test_a_bad_tag_is_named_by_its_position():
    """An overlong tag names which tag it is."""
    with pytest.raises(ValidationError, match="^Tag 2 is 101 characters long; the limit is 100.$"):
        v.clean_tags(["fine", "x" * 101])


@pytest.mark.parametrize("bad,msg", [(5, "must be text"), ("https://e.org/" + "a" * 2000, "limit is 2,000"),
                                     ("ftp://e.org", "must start with http")])
def test_web_addresses_are_text_http_and_bounded(bad, msg):
    """A web address must be text, http(s), and at most 2,000 characters."""
    with pytest.raises(ValidationError, match=msg):
        v.web_url(bad)


def test_placed_keeps_sentences_that_do_not_start_with_the_label():
    """A message that does not begin with the field's label is kept whole, first letter lowered."""
    err = ValidationError("The target date is before the baseline date.", "target_on")
    assert (v.placed("items[0].target.target_on", err)
            == "items[0].target.target_on: the target date is before the baseline date")


# -- vocabulary keys, dates after now, what every write path cleans (issue 18) ----------------------------
@pytest.mark.parametrize("key,message", [
    ("\u0430chieved", "Key 'аchieved' holds U+0430 CYRILLIC SMALL LETTER A, which is not allowed; "
                      "a key may hold only a-z, 0-9 and _."),
    ("On_hold", "Key 'On_hold' holds U+004F LATIN CAPITAL LETTER O, which is not allowed; "
                "a key may hold only a-z, 0-9 and _."),
    ("on hold", "Key 'on hold' holds U+0020 SPACE, which is not allowed; a key may hold only a-z, 0-9 and _."),
    ("on\u202ehold", "Key 'on\\u202ehold' holds U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed; "
                     "a key may hold only a-z, 0-9 and _."),
    ("2nd", "Key '2nd' starts with '2'; a key must start with a letter a-z."),
    ("", "Key cannot be empty."),
    ("k" * 41, "Key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…' is 41 characters long; the limit is 40."),
])
def test_vocabulary_keys_are_ascii_and_the_refusal_names_the_character(key, message):
    """A key that is not [a-z][a-z0-9_]{0,39} is refused naming the first character not allowed."""
    with pytest.raises(ValidationError) as e:
        v.vocabulary_key(key)
    assert str(e.value) == message


def test_plain_keys_pass_unchanged():
    """Keys of letters, digits and _ starting with a letter, up to 40 characters, pass as they are."""
    assert [v.vocabulary_key(k) for k in ("on_hold", "q3_2025", "x", "k" * 40)] == ["on_hold", "q3_2025", "x", "k" * 40]


def test_not_after_compares_in_the_databases_own_form():
    """A moment or date after the limit is refused naming the field; the limit itself passes."""
    assert v.not_after("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "updated_at") == \
        "2026-01-01T00:00:00.000Z"
    with pytest.raises(ValidationError) as e:
        v.not_after("2026-01-01T00:00:00.001Z", "2026-01-01T00:00:00.000Z", "updated_at", ", now")
    assert str(e.value) == ("Updated at 2026-01-01T00:00:00.001Z is in the future "
                            "(after 2026-01-01T00:00:00.000Z, now).")


def test_the_built_in_vocabulary_is_the_one_the_migrations_make(empty_store):
    """core.model.BUILT_IN holds exactly the rows a fresh file's statuses, kinds and relation kinds have."""
    from app.core.model import BUILT_IN, ITEM_KINDS, RELATION_KINDS, STATUS_KEYS
    got = {"statuses": empty_store.statuses(), "item_kinds": empty_store.item_kinds(),
           "relation_kinds": empty_store.relation_kinds()}
    assert {t: {r["key"]: (r["label"], r["description"]) for r in rows} for t, rows in got.items()} == BUILT_IN
    assert (tuple(BUILT_IN["statuses"]), tuple(BUILT_IN["item_kinds"]), tuple(BUILT_IN["relation_kinds"])) == \
        (STATUS_KEYS, ITEM_KINDS, RELATION_KINDS)


def test_the_windows_writes_remove_overrides_from_titles(store):
    """An item made and edited the window's way stores its title and tags without U+202E; its description keeps it."""
    from app.services import editing
    fid = store.list_frameworks()[0]["id"]
    iid, _ = editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": "Pay \u202eevig\u202c debt",
                                         "description": "a \u202eb", "tags": ["x\u2067y"]})
    row = store.get_item(iid)
    assert (row["title"], row["description"], row["tags"]) == ("Pay evig debt", "a \u202eb", ["xy"])
    editing.update_item(store, iid, {"ref": "\u20661.2\u2069"})
    assert store.get_item(iid)["ref"] == "1.2"
