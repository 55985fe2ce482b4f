"""Show on page: a cited passage on its page of the original PDF, the cited words highlighted.

The PDF is the source's original file as stored (store.source_files), opened from its bytes
through a QBuffer into a QPdfDocument and shown one page at a time in a QPdfView. The cited
words are found again on the page's own text layer (PDFium's, through QPdfDocument.getAllText):
letters and digits compared, everything else (line breaks, line-end hyphens, spaces,
punctuation, compatibility forms such as ligatures) ignored, so the canonical text's words are
found whatever the PDF did with them. Their boxes (getSelectionAtIndex, in PDF points) are
painted over the page as translucent rectangles. Nothing is written.
"""
from __future__ import annotations

import unicodedata

from PySide6 import QtCore, QtGui, QtPdf, QtPdfWidgets, QtWidgets

Qt = QtCore.Qt
HIGHLIGHT = QtGui.QColor(255, 214, 0, 110)  # the find colour of the reader, see-through
OUTLINE = QtGui.QColor(200, 120, 0)


def find_on_page(page_text: str, words: str) -> tuple[int, int] | None:
    """[start, end) of `words` in `page_text` (indices of page_text), comparing letters and digits
    only (NFKC, case folded); None when they are not there."""
    def letters(s: str) -> tuple[str, list[int]]:
        chars, where = [], []
        for i, ch in enumerate(s):
            for n in unicodedata.normalize("NFKC", ch).casefold():
                if n.isalnum():
                    chars.append(n)
                    where.append(i)
        return "".join(chars), where
    hay, where = letters(page_text)
    needle, _ = letters(words)
    if not needle:
        return None
    k = hay.find(needle)
    if k < 0:
        return None
    return where[k], where[k + len(needle) - 1] + 1


class PdfPageView(QtPdfWidgets.QPdfView):
    """A QPdfView of one page, fitted to its width, with rectangles (in PDF points) painted over it."""

    def __init__(self, parent: QtWidgets.QWidget):
        super().__init__(parent)
        self.setPageMode(QtPdfWidgets.QPdfView.PageMode.SinglePage)
        self.setZoomMode(QtPdfWidgets.QPdfView.ZoomMode.Custom)
        self.boxes: list[QtCore.QRectF] = []  # in PDF points, page coordinates (top left origin)

    def _resolution(self) -> float:
        screen = QtGui.QGuiApplication.primaryScreen()
        return (screen.logicalDotsPerInch() if screen else 96.0) / 72.0

    def fit_width(self) -> None:
        doc = self.document()
        if doc is None or doc.pageCount() == 0:
            return
        m = self.documentMargins()
        width = doc.pagePointSize(self.pageNavigator().currentPage()).width() * self._resolution()
        if width > 0:
            self.setZoomFactor(max(0.1, (self.viewport().width() - m.left() - m.right()) / width))

    def page_rect(self) -> QtCore.QRectF:
        """Where the page is drawn in the viewport (as QPdfView lays out a single page)."""
        doc = self.document()
        if doc is None or doc.pageCount() == 0:
            return QtCore.QRectF()
        size = QtCore.QSizeF(doc.pagePointSize(self.pageNavigator().currentPage())
                             * self._resolution() * self.zoomFactor()).toSize()
        m = self.documentMargins()
        total = size.width() + m.left() + m.right()
        x = (max(total, self.viewport().width()) - size.width()) // 2 - self.horizontalScrollBar().value()
        y = m.top() - self.verticalScrollBar().value()
        return QtCore.QRectF(x, y, size.width(), size.height())

    def box_rects(self) -> list[QtCore.QRectF]:
        """The boxes in viewport pixels."""
        page = self.page_rect()
        doc = self.document()
        if page.isEmpty() or doc is None:
            return []
        scale = page.width() / doc.pagePointSize(self.pageNavigator().currentPage()).width()
        return [QtCore.QRectF(page.x() + b.x() * scale, page.y() + b.y() * scale, b.width() * scale,
                              b.height() * scale).adjusted(-1, -1, 1, 1) for b in self.boxes]

    def resizeEvent(self, e: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(e)
        self.fit_width()

    def paintEvent(self, e: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(e)
        if not self.boxes:
            return
        p = QtGui.QPainter(self.viewport())
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(QtGui.QPen(OUTLINE, 1))
        p.setBrush(HIGHLIGHT)
        for r in self.box_rects():
            p.drawRect(r)
        p.end()


class PdfPageWindow(QtWidgets.QDialog):
    """The page of a PDF source a citation is on, with its words highlighted (not modal)."""

    def __init__(self, content: bytes, page: int, words: str, *, title: str = "",
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.page = page  # 1-based, as printed
        self.found: tuple[int, int] | None = None
        self.setWindowTitle(f"{title} — p. {page}" if title else f"p. {page}")
        self.setAccessibleName("PDF page")
        self._bytes = QtCore.QByteArray(content)  # the buffer reads from these: keep them as long as the view
        self._buffer = QtCore.QBuffer(self)
        self._buffer.setData(self._bytes)
        self._buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
        self.pdf = QtPdf.QPdfDocument(self)
        self.pdf.load(self._buffer)
        self.view = PdfPageView(self)
        self.view.setAccessibleName("Page of the original PDF")
        self.view.setDocument(self.pdf)
        self.info = QtWidgets.QLabel(self)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setAccessibleName("Page status")
        self.info.setWordWrap(True)
        close = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.info)
        layout.addWidget(close)
        self.resize(760, 900)
        self._show(words)

    @property
    def loaded(self) -> bool:
        return self.pdf.status() == QtPdf.QPdfDocument.Status.Ready

    def _show(self, words: str) -> None:
        if not self.loaded:
            self.info.setText("The original PDF could not be opened.")
            return
        n = self.pdf.pageCount()
        if not 1 <= self.page <= n:
            self.info.setText(f"The original PDF has {n} page{'s' if n != 1 else ''}; page {self.page} is not one.")
            return
        index = self.page - 1
        self.view.pageNavigator().jump(index, QtCore.QPointF(), self.view.pageNavigator().currentZoom())
        self.found = find_on_page(self.pdf.getAllText(index).text(), words)
        if self.found is None:
            self.info.setText(f"Page {self.page} of {n}. The cited words could not be found in this page's text "
                              f"layer; the page is shown without a highlight.")
            return
        sel = self.pdf.getSelectionAtIndex(index, self.found[0], self.found[1] - self.found[0])
        self.view.boxes = [poly.boundingRect() for poly in sel.bounds()]
        self.info.setText(f"Page {self.page} of {n} · the cited words are highlighted.")
        self.view.viewport().update()

    def showEvent(self, e: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(e)
        self.view.fit_width()
        QtCore.QTimer.singleShot(0, self.scroll_to_words)

    def scroll_to_words(self) -> None:
        """Scroll so the highlighted words sit in the upper third of the view."""
        rects = self.view.box_rects()
        if rects:
            bar = self.view.verticalScrollBar()
            bar.setValue(max(0, bar.value() + int(rects[0].top()) - self.view.viewport().height() // 3))
