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
