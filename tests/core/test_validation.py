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
