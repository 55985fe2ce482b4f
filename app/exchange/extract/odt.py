"""OpenDocument text (.odt) with odfpy: headings, paragraphs, lists and tables, in document order.

As for Word: a table row is one paragraph, cells separated by a tab. Footnotes, annotations and
tracked deletions are left out of the running text.
"""
from __future__ import annotations

import io
from typing import Iterator

from ...core.model import ValidationError
from ._common import join, open_zip

MEDIA_TYPE = "application/vnd.oasis.opendocument.text"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
SKIP = {(TEXT_NS, "note"), (OFFICE_NS, "annotation"), (TEXT_NS, "tracked-changes"), (TEXT_NS, "deletion"),
        (TEXT_NS, "sequence-decls"), (OFFICE_NS, "forms"), (TEXT_NS, "table-of-content")}
PARAS = {(TEXT_NS, "p"), (TEXT_NS, "h")}


def read(data: bytes, name: str) -> tuple[str, str | None]:
    z = open_zip(data, name, "OpenDocument text (.odt)")
    names = set(z.namelist())
    mimetype = z.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    if mimetype != MEDIA_TYPE or "content.xml" not in names:
        raise ValidationError(f"{name} is not an OpenDocument text (.odt): it says it is "
                              f"{mimetype or 'nothing'}.")
    if "META-INF/manifest.xml" in names and b"encryption-data" in z.read("META-INF/manifest.xml"):
        raise ValidationError(f"{name} is encrypted (password-protected); save it without a password and add "
                              f"it again.")
    from odf.opendocument import load  # odfpy: loaded only when an ODT file is read
    try:
        doc = load(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - odfpy raises many kinds on a damaged part
        raise ValidationError(f"{name} is a damaged OpenDocument file ({type(e).__name__}).") from None
    title = None
    from odf import dc
    for t in doc.meta.getElementsByType(dc.Title):
        title = _inline(t) or None
    return join(_blocks(doc.text)), title


def _blocks(element) -> Iterator[str]:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE or child.qname in SKIP:
            continue
        if child.qname in PARAS:
            yield _inline(child)
        elif child.qname == (TABLE_NS, "table-row"):
            cells = [" ".join(p for p in (x.strip() for x in _blocks(c)) if p) for c in child.childNodes
                     if c.nodeType == c.ELEMENT_NODE and c.qname == (TABLE_NS, "table-cell")]
            yield "\t".join(c for c in cells if c)
        else:  # sections, lists, list items, tables, header rows...: their paragraphs in order
            yield from _blocks(child)


def _inline(element) -> str:
    out = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(child.data)
        elif child.nodeType == child.ELEMENT_NODE and child.qname not in SKIP:
            tag = child.qname
            if tag == (TEXT_NS, "s"):
                out.append(" " * int(child.getAttrNS(TEXT_NS, "c") or 1))
            elif tag == (TEXT_NS, "tab"):
                out.append("\t")
            elif tag == (TEXT_NS, "line-break"):
                out.append("\n")
            else:
                out.append(_inline(child))
    return "".join(out)
