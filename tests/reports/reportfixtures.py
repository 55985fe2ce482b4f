"""Shared values of the report tests: the hostile note, Persian text, a Persian framework, text squashing."""
from __future__ import annotations

import re
import unicodedata

HOSTILE_NOTE = 'Watch for <img src=x> and =HYPERLINK("http://evil") & <script>alert(1)</script>'
PERSIAN_TITLE = "افزایش سهم اقتصاد دیجیتال"
PERSIAN_NOTE = "پیشرفت در حال انجام است"

# A Persian framework as a desk tracking the Seventh Plan would type it: title, actor, source,
# an item with a Persian description, a dated note and a quote (with a ZWNJ in «می‌یابد»).
FA_FRAMEWORK = "برنامه هفتم پیشرفت"
FA_ACTOR = "سازمان برنامه و بودجه کشور"
FA_SOURCE_TITLE = "قانون برنامه هفتم پیشرفت جمهوری اسلامی ایران"
FA_QUOTE = "سهم اقتصاد دیجیتال در تولید ناخالص داخلی تا پایان برنامه به ده درصد افزایش می‌یابد"
FA_SOURCE_TEXT = f"ماده ۶۵ - {FA_QUOTE}. دولت موظف است گزارش سالانه را منتشر کند."
FA_ITEM_TITLE = "رساندن سهم اقتصاد دیجیتال به ده درصد"
FA_DESCRIPTION = "وزارت ارتباطات و فناوری اطلاعات مسئول اجرای این هدف است"
FA_NOTE = "گزارش سالانه هنوز منتشر نشده است"
FA_WORDS = (FA_FRAMEWORK, FA_ACTOR, FA_SOURCE_TITLE, FA_QUOTE, FA_ITEM_TITLE, FA_DESCRIPTION, FA_NOTE,
            PERSIAN_TITLE, PERSIAN_NOTE)


def add_persian_framework(store) -> dict[str, str]:
    """A Persian framework with one fully described item (dated note, target, quote); returns the ids."""
    from app.services import editing
    from app.services.sources import add_source
    fid, _ = editing.create_framework(store, FA_FRAMEWORK, FA_ACTOR)
    iid, _ = editing.create_item(store, {"framework_id": fid, "kind": "target", "ref": "۶۵", "title": FA_ITEM_TITLE,
                                         "description": FA_DESCRIPTION, "due_on": "2028-03-20"})
    editing.add_status_update(store, iid, "in_progress", "2025-02-10", FA_NOTE, "کارشناس")
    sid, _ = add_source(store, FA_SOURCE_TEXT, title=FA_SOURCE_TITLE, kind="law", published_on="2024-08-01")
    start = FA_SOURCE_TEXT.index(FA_QUOTE)
    editing.add_citation(store, iid, sid, start, start + len(FA_QUOTE))
    editing.set_target(store, iid, {"unit": "%", "baseline": 4.7, "baseline_on": "2023-03-20", "target": 10.0,
                                    "target_on": "2028-03-20", "direction": "increase"})
    editing.add_observation(store, iid, 6.1, "2025-01-15")
    return {"framework": fid, "item": iid, "source": sid}


def squash(text: str) -> str:
    """NFKC, casefolded, with all whitespace and ZWNJ removed (pdftotext wraps and spaces text freely)."""
    return re.sub(r"[\s\u200c]+", "", unicodedata.normalize("NFKC", text)).casefold()
