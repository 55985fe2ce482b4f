"""One sentence telling the person what another window or program changed in the open file."""
from __future__ import annotations

NOUNS = {  # table -> (singular, plural), in the order they are mentioned
    "items": ("item", "items"),
    "sources": ("source", "sources"),
    "frameworks": ("framework", "frameworks"),
    "status_updates": ("status update", "status updates"),
    "citations": ("citation", "citations"),
    "targets": ("target", "targets"),
    "observations": ("observation", "observations"),
    "relations": ("link", "links"),
}
VERBS = {"insert": "added", "update": "changed", "delete": "removed"}


def _short(text: str, n: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def describe(groups: list[dict]) -> str | None:
    """E.g. 'Another window or program changed this file: 1 item changed (“3 Connectivity”), 2 sources added.'

    `groups` are Store.changes_by_others() rows; None when there is nothing to tell.
    """
    order = list(NOUNS)
    parts = []
    for g in sorted(groups, key=lambda g: (order.index(g["table"]) if g["table"] in NOUNS else len(order),
                                           list(VERBS).index(g["action"]) if g["action"] in VERBS else 9)):
        if g["table"] not in NOUNS or not g["count"]:
            continue  # lookup tables and the like: not worth a word
        one, many = NOUNS[g["table"]]
        part = f"{g['count']} {one if g['count'] == 1 else many} {VERBS.get(g['action'], 'changed')}"
        if g["table"] in ("items", "sources", "frameworks") and g["summaries"]:
            part += " (" + ", ".join(f"“{_short(s)}”" for s in g["summaries"][:2]) \
                + (", …" if g["count"] > 2 else "") + ")"
        parts.append(part)
    if not parts:
        return None
    return "Another window or program changed this file: " + ", ".join(parts) + "."
