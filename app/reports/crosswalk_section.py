"""The crosswalk a status report can include (ReportOptions.crosswalk: two framework ids).

One table after the frameworks' sections: A's items down the first column, B's across the top
(both "ref title", in tree order), each cell the labels of the relation kinds between the two
items, either direction ("Supports →": the row item supports the column item; "← Supports": the
other way). As everything in a report, it is as of the report's date: items first recorded after
that day and relations drawn after it are left out. Rendered by html.py (HTML and PDF), the Word
and the Excel writers from this one value.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.model import PolicyTrackerError
from ..store.crosswalk_queries import crosswalk


@dataclass
class CrosswalkTable:
    framework_a: str
    framework_b: str
    cols: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row head, cells)

    @property
    def linked(self) -> int:
        return sum(1 for _h, cells in self.rows for c in cells if c)

    @property
    def title(self) -> str:
        return f"Crosswalk: {self.framework_a} × {self.framework_b}"


def _head(item: dict) -> str:
    return f"{item['ref']} {item['title']}".strip() if item.get("ref") else item["title"]


def build_crosswalk(store, framework_ids: list[str], as_of: str) -> CrosswalkTable | None:
    """The crosswalk of the two frameworks as of `as_of` (ISO date); None when none is asked for."""
    if not framework_ids:
        return None
    if len(framework_ids) != 2 or framework_ids[0] == framework_ids[1]:
        raise PolicyTrackerError("A crosswalk in a report needs two different frameworks.")
    fws = [store.get_framework(f) for f in framework_ids]
    for f, fid in zip(fws, framework_ids, strict=True):
        if f is None:
            raise PolicyTrackerError(f"The crosswalk's framework {fid} is not in this file.")
    a, b = fws
    assert a is not None and b is not None
    cw = crosswalk(store.conn, a, b)
    labels = {k["key"]: k["label"] for k in cw.kinds}

    def existed(rec: dict) -> bool:
        return (rec.get("created_at") or "")[:10] <= as_of

    rows, cols = [r for r in cw.rows if existed(r)], [c for c in cw.cols if existed(c)]
    out = CrosswalkTable(a["title"], b["title"], [_head(c) for c in cols])
    for r in rows:
        cells = []
        for c in cols:
            parts = [f"{labels.get(x['kind'], x['kind'])} →" if x["from_id"] == r["id"]
                     else f"← {labels.get(x['kind'], x['kind'])}"
                     for x in cw.relations(r["id"], c["id"]) if existed(x)]
            cells.append("; ".join(parts))
        out.rows.append(("    " * r["depth"] + _head(r), cells))
    return out
