"""Make the source fixtures in this folder with LibreOffice (run once by hand; tests never need it).

    apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-core
    .venv/bin/python tests/data/sources/make_fixtures.py

Each document is written here as flat ODT XML (.fodt, kept beside the results as the record of what
went in), then LibreOffice (soffice --headless --convert-to) lays it out and writes the PDF, DOCX
and ODT. Each document's words, one paragraph a line, go to <name>.txt: the tests compare the
extracted text with them. qt-persian.pdf is the Persian document laid out by Qt instead
(QTextDocument to QPdfWriter), a second producer. The web page (article.html) is the seed news report of
seeds/001_11b5a7baa82683a7.txt inside the chrome of a news site's article page, laid out as such
sites lay theirs out (navigation, cookie banner, share buttons, an advertisement, related links,
a newsletter box, footer); CHROME lists strings of that chrome, none of which may reach the text.
"""
from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')

STYLES = """<office:font-face-decls>
 <style:font-face style:name="Noto Naskh Arabic" svg:font-family="'Noto Naskh Arabic'"/>
 <style:font-face style:name="Noto Serif" svg:font-family="'Noto Serif'"/>
</office:font-face-decls>
<office:automatic-styles>
 <style:style style:name="LTR" style:family="paragraph">
  <style:paragraph-properties fo:margin-bottom="0.2cm"/>
  <style:text-properties style:font-name="Noto Serif" fo:font-size="11pt"/>
 </style:style>
 <style:style style:name="LTRBreak" style:family="paragraph" style:parent-style-name="LTR">
  <style:paragraph-properties fo:break-before="page"/>
 </style:style>
 <style:style style:name="RTL" style:family="paragraph">
  <style:paragraph-properties style:writing-mode="rl-tb" fo:text-align="right" fo:margin-bottom="0.2cm"/>
  <style:text-properties style:font-name-complex="Noto Naskh Arabic" style:font-size-complex="13pt"
   style:language-complex="fa" style:country-complex="IR"/>
 </style:style>
 <style:style style:name="RTLBreak" style:family="paragraph" style:parent-style-name="RTL">
  <style:paragraph-properties fo:break-before="page"/>
 </style:style>
</office:automatic-styles>
"""

ENGLISH_PAGES = [
    ["Aref’s Five Proposals at the Almaty Digital 2025 Conference",
     "Iran’s First Vice President, who is visiting Kazakhstan, presented several proposals at the Almaty "
     "Digital 2025 conference. These included connecting communication infrastructure, harmonizing "
     "regulations and facilitating digital economy policies.",
     "He also proposed cooperating in the development of shared digital platforms, countering "
     "unilateralism in digital governance and advancing artificial intelligence-driven economies."],
    ["The second page: the digital economy in figures",
     "According to the International Telecommunication Union, internet penetration in Iran has reached "
     "about 79 percent of the population, and the share of the digital economy in gross domestic product "
     "is close to 7 percent.",
     "The government intends to raise that share to 10 percent by the end of the Seventh Development Plan."],
    ["The third page: cooperation in the region",
     "The Vice President called on the members of the Eurasian Economic Union to build a common market "
     "for digital services and to connect their data centres.",
     "He closed by thanking the hosts for their hospitality."],
]

PERSIAN_PAGES = [
    ["برنامه هفتم توسعه، فصل اقتصاد دیجیتال",
     "هدف: افزایش سهم اقتصاد دیجیتال از تولید ناخالص داخلی از حدود ۷ درصد به ۱۰ درصد تا پایان برنامه.",
     "دولت موظف است زیرساخت ملی ارتباطات را در سراسر کشور گسترش دهد و خدمات دولت الکترونیک را برای "
     "همه شهروندان فراهم کند.",
     "شمار کسب‌وکارهای فعال دیجیتال باید به ۲۵۰۰۰ برسد.",
     "وزارت ارتباطات و فناوری اطلاعات مکلف است پهنای باند بین‌المللی را تا پایان سال ۱۴۰۷ دو برابر کند؛ "
     "این کار با مشارکت بخش خصوصی انجام می‌شود."],
    ["سلامت داده‌های شهروندان، امنیت شبکه و حفاظت از اطلاعات شخصی از اولویت‌های این فصل است.",
     "کلان‌داده‌ها و هوش مصنوعی برای بالا بردن بهره‌وری در بخش‌های کشاورزی، صنعت و خدمات به کار گرفته "
     "می‌شوند.",
     "آیا دسترسی همگانی به اینترنت پرسرعت تا سال ۱۴۰۵ ممکن است؟ پاسخ این برنامه مثبت است."],
]

REPORT_TITLE = "Digital cooperation: notes for the desk"
REPORT = [
    ("h", "Digital cooperation: notes for the desk"),
    ("p", "The Tokyo Statement sets the direction for regional digital cooperation over the next five years."),
    ("h2", "Six strategic priorities"),
    ("p", "The priorities include digital connectivity, digital innovation and entrepreneurship, trust and "
          "safety, digital inclusion and capacity building, sustainability, and partnership."),
    ("table", [["Priority", "Lead ministry", "Year"],
               ["Fifth generation networks", "Communications", "2026"],
               ["Artificial intelligence", "Science and technology", "2027"]]),
    ("p", "After the table, the analyst notes that the statement was adopted unanimously."),
    ("rtl", "شمار کسب‌وکارهای فعال دیجیتال باید به ۲۵۰۰۰ برسد."),
    ("p", "The last paragraph closes the note."),
]


CHROME = ["Accept all cookies", "We use cookies", "Manage preferences", "Share on Facebook", "Share on X",
          "Copy link", "Advertisement", "Related news", "Iran and Oman sign a memorandum on satellite links",
          "Subscribe to our newsletter", "All rights reserved", "About us", "Contact us", "Privacy policy",
          "Economy", "Sports", "Most viewed", "Follow us on Telegram", "Login", "Print this page"]


def _article_html() -> tuple[str, list[str]]:
    seed = (HERE.parent.parent.parent / "seeds" / "001_11b5a7baa82683a7.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in seed.split("\n\n") if p.strip()]
    dateline, paras = paras[0], paras[1:]  # " date 2025-06-01 TEHRAN – The ..." opens the first paragraph
    first = dateline.split("TEHRAN", 1)[1]
    paras = ["TEHRAN" + first] + paras
    body = "\n".join(f"<h3>{escape(p)}</h3>" if len(p) < 20 and not p.endswith(".") else f"<p>{escape(p)}</p>"
                     for p in paras)
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Iran’s ICT minister chairs APT session in Tokyo - Daily Desk</title>
<meta property="og:title" content="Iran’s ICT minister chairs APT session in Tokyo">
<link rel="stylesheet" href="/static/site.css"><script src="/static/analytics.js"></script>
</head><body>
<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience and to show you
 personalised advertising.</p><button>Accept all cookies</button><button>Manage preferences</button></div>
<header class="site-header"><a class="logo" href="/">Daily Desk</a>
<nav class="main-menu"><ul><li><a href="/politics">Politics</a></li><li><a href="/economy">Economy</a></li>
<li><a href="/sci-tech">Science and technology</a></li><li><a href="/sports">Sports</a></li>
<li><a href="/about">About us</a></li><li><a href="/contact">Contact us</a></li><li><a href="/login">Login</a></li>
</ul></nav><form class="search"><input type="search" placeholder="Search"></form></header>
<div class="breadcrumb"><a href="/">Home</a> › <a href="/sci-tech">Science and technology</a></div>
<main><article class="news-article">
<h1>Iran’s ICT minister chairs APT session in Tokyo</h1>
<div class="byline"><time datetime="2025-06-01">June 1, 2025 - 18:40</time></div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Copy link</a>
 <a href="#">Print this page</a></div>
<div class="article-body">
{body}
</div>
<div class="ad-slot"><span>Advertisement</span><img src="/ads/banner.gif" alt=""></div>
<div class="tags">Tags: <a href="/tag/ict">ICT</a> <a href="/tag/japan">Japan</a></div>
</article>
<aside class="related"><h2>Related news</h2><ul>
<li><a href="/news/1">Iran and Oman sign a memorandum on satellite links</a></li>
<li><a href="/news/2">Five new data centres open in the north of the country this year</a></li>
<li><a href="/news/3">Minister meets telecom operators on tariffs for mobile internet packages</a></li>
</ul></aside>
<aside class="most-viewed"><h2>Most viewed</h2><ol><li><a href="/news/4">Rial steadies after central bank
 move</a></li><li><a href="/news/5">Football league fixtures announced for next season</a></li></ol></aside>
</main>
<section class="newsletter"><h2>Subscribe to our newsletter</h2><form><input type="email"
 placeholder="Your email"><button>Subscribe</button></form></section>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a>
</li><li><a href="/contact">Contact us</a></li></ul><p>Follow us on Telegram</p>
<p>© 2025 Daily Desk. All rights reserved.</p></footer>
</body></html>
"""
    return html, paras


def _fodt(body: str, title: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">\n'
            f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta>\n{STYLES}"
            f"<office:body><office:text>\n{body}</office:text></office:body></office:document>\n")


def _paged(pages: list[list[str]], style: str) -> str:
    out = []
    for n, paras in enumerate(pages):
        for k, p in enumerate(paras):
            st = f"{style}Break" if n and not k else style
            out.append(f'<text:p text:style-name="{st}">{escape(p)}</text:p>\n')
    return "".join(out)


def _report() -> tuple[str, list[str]]:
    out, words = [], []
    for kind, value in REPORT:
        if kind == "table":
            rows = "".join("<table:table-row>" + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
                for c in row) + "</table:table-row>\n" for row in value)
            out.append(f'<table:table table:name="Priorities"><table:table-column '
                       f'table:number-columns-repeated="3"/>\n{rows}</table:table>\n')
            words += [c for row in value for c in row]
        elif kind in ("h", "h2"):
            level = 1 if kind == "h" else 2
            out.append(f'<text:h text:outline-level="{level}">{escape(value)}</text:h>\n')
            words.append(value)
        else:
            style = "RTL" if kind == "rtl" else "LTR"
            out.append(f'<text:p text:style-name="{style}">{escape(value)}</text:p>\n')
            words.append(value)
    return "".join(out), words


def _scanned(png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return ('<text:p><draw:frame draw:name="scan" text:anchor-type="as-char" svg:width="16cm" svg:height="22cm">'
            f'<draw:image><office:binary-data>{data}</office:binary-data></draw:image></draw:frame></text:p>\n')


def _page_png(pdf_path: Path) -> bytes:
    """The first page of a PDF as a grey PNG (pdfium renders it; zlib writes the PNG)."""
    import struct
    import zlib

    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(pdf_path)
    bm = pdf[0].render(scale=1.5, grayscale=True)
    w, h, stride, buf = bm.width, bm.height, bm.stride, bytes(bm.buffer)
    rows = b"".join(b"\x00" + buf[y * stride:y * stride + w] for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def qt_pdf(paragraphs: list[str], out: Path) -> None:
    """The Persian paragraphs laid out by Qt (QTextDocument printed by QPdfWriter, HarfBuzz shaping):
    a second producer, whose PDFs pdfium reads differently (lam-alef in order, lines run together)."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QPageSize, QPdfWriter, QTextDocument
    app = QGuiApplication.instance() or QGuiApplication([])
    doc = QTextDocument()
    doc.setHtml('<html><body dir="rtl" style="font-family: \'Noto Naskh Arabic\'; font-size: 14pt">'
                + "".join(f'<p dir="rtl">{escape(p)}</p>' for p in paragraphs) + "</body></html>")
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle(paragraphs[0])
    doc.print_(writer)
    del writer, app


def soffice(src: Path, fmt: str, out: Path, profile: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, capture_output=True)
    produced = out / (src.stem + "." + fmt.split(":")[0])
    if not produced.exists():
        raise SystemExit(f"LibreOffice did not write {produced}")
    return produced


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work, profile = Path(tmp), Path(tmp) / "profile"
        docs = {"english": (_paged(ENGLISH_PAGES, "LTR"), ENGLISH_PAGES[0][0],
                            [p for page in ENGLISH_PAGES for p in page]),
                "persian": (_paged(PERSIAN_PAGES, "RTL"), PERSIAN_PAGES[0][0],
                            [p for page in PERSIAN_PAGES for p in page])}
        body, words = _report()
        docs["report"] = (body, REPORT_TITLE, words)
        for name, (xml, title, paras) in docs.items():
            (HERE / f"{name}.fodt").write_text(_fodt(xml, title), encoding="utf-8")
            (HERE / f"{name}.txt").write_text("\n".join(paras) + "\n", encoding="utf-8")
        qt_pdf([p for page in PERSIAN_PAGES for p in page], HERE / "qt-persian.pdf")
        html, paras = _article_html()
        (HERE / "article.html").write_text(html, encoding="utf-8")
        (HERE / "article.txt").write_text("\n".join(paras) + "\n", encoding="utf-8")
        for name in ("english", "persian"):
            shutil.copy(soffice(HERE / f"{name}.fodt", "pdf", work, profile), HERE / f"{name}.pdf")
        for fmt in ("docx:MS Word 2007 XML", "odt:writer8"):
            shutil.copy(soffice(HERE / "report.fodt", fmt, work, profile), HERE / f"report.{fmt.split(':')[0]}")
        # an encrypted PDF: LibreOffice's PDF export with an open password ("secret")
        enc = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
        shutil.copy(soffice(HERE / "english.fodt", enc, work, profile), HERE / "encrypted.pdf")
        # a "scanned" PDF: the first English page as a picture, and no text layer at all
        png = _page_png(HERE / "english.pdf")
        scan = work / "scanned.fodt"
        scan.write_text(_fodt(_scanned(png), "A scanned page"), encoding="utf-8")
        shutil.copy(soffice(scan, "pdf", work, profile), HERE / "scanned.pdf")


if __name__ == "__main__":
    main()
