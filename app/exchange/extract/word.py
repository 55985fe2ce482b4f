"""Word (.docx) with python-docx: headings, paragraphs and tables' cells, in document order.

Each paragraph or heading is one paragraph of the text; each table row is one paragraph with its
cells separated by a tab (a cell merged across columns counted once). Headers, footers, comments
and footnotes are left out: they are not the document's running text.
"""
from __future__ import annotations

import io
from typing import Iterator

from ...core.model import ValidationError
from ._common import join, open_zip

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(data: bytes, name: str) -> tuple[str, str | None]:
    z = open_zip(data, name, "Word document (.docx)")
    if "word/document.xml" not in z.namelist():
        raise ValidationError(f"{name} is not a Word document (.docx): it has no word/document.xml.")
    import docx  # python-docx: loaded only when a Word file is read
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on a damaged part
        raise ValidationError(f"{name} is a damaged Word document ({type(e).__name__}).") from None
    title = doc.core_properties.title or None
    return join(_blocks(doc)), title


def _blocks(container) -> Iterator[str]:
    from docx.table import Table
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _rows(block)
        else:
            yield block.text


def _rows(table) -> Iterator[str]:
    from docx.table import Table
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is given once for each column it spans
                continue
            seen.add(id(cell._tc))
            parts: list[str] = []
            for block in cell.iter_inner_content():
                if isinstance(block, Table):
                    parts.extend(_rows(block))
                elif block.text.strip():
                    parts.append(block.text.strip())
            cells.append(" ".join(parts))
        yield "\t".join(c for c in cells if c)
