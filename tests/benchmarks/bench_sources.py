"""Sources as they arrive (issue 14) and anchoring in bounded work (issue 18).

1. Add a 300-page PDF as a source (extract its text and pages, store text, file and pages, one
   undoable step) vs reading the same PDF's text with pypdfium2 alone. Target: at most 10 s.
   The PDF is made once with pypdfium2 (standard Helvetica, 45 lines a page in paragraphs) and
   kept in the bench cache ($PT_BENCH_CACHE). Then the same for a 300-page Persian PDF laid out
   by LibreOffice (right-to-left repairs read every character's box), when soffice is installed.
2. Anchor 10,000 quotes on a 1 MB text (a plan's sentences repeated with numbers changed: the
   repetitive case issue 18 is about) with one Anchorer, vs finding each quote with str.find.
   Quotes: unique, repeated with context, repeated without (unplaced), with the layout changed,
   with a typo. Informational: the figure and the places scored are reported.

    python -m tests.benchmarks.bench_sources      # these two rows alone, without the big database
"""
from __future__ import annotations

import ctypes
import shutil
import sys
import tempfile
from pathlib import Path

from .harness import Result, median_time, paired_times, skipped

PAGES = 300
TARGET_S = 10.0
SENTENCES = [
    "The government shall raise the share of the digital economy in gross domestic product to ten percent.",
    "The ministry of communications reports each year to parliament on the national information network.",
    "Fifth generation mobile networks are to cover the capitals of every province by the end of the plan.",
    "Data centres built by the private sector receive tax relief for the first five years of operation.",
    "Every village of more than twenty households is to be connected to broadband internet services.",
    "The central bank supervises payment platforms and publishes their share of retail payments quarterly.",
]


def _cache() -> Path:
    from . import dataset
    return dataset.cache_dir()


def make_pdf(path: Path, pages: int = PAGES) -> Path:
    """A text PDF of `pages` pages: numbered paragraphs of plan sentences, made with pypdfium2."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    pdf = pdfium.PdfDocument.new()
    font = raw.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    for p in range(pages):
        page = pdf.new_page(595, 842)
        y = 800.0
        for k in range(45):
            s = SENTENCES[(p + k) % len(SENTENCES)]
            line = f"Article {p + 1}.{k + 1}: {s}"
            obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, font, 10.0)
            buf = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
            raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
            raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 50, y)
            raw.FPDFPage_InsertObject(page.raw, obj)
            y -= 16 if k % 3 != 2 else 24  # three lines, then a paragraph's space
        raw.FPDFPage_GenerateContent(page.raw)
        page.close()
    tmp = path.with_suffix(".tmp")
    pdf.save(str(tmp))
    pdf.close()
    tmp.replace(path)
    return path


def bench_pdf(workdir: Path) -> Path:
    path = _cache() / f"bench-{PAGES}-pages-v1.pdf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_pdf(path)
    return path


def persian_pdf() -> Path | None:
    """A 300-page right-to-left Persian PDF laid out by LibreOffice (made once into the cache), or None."""
    path = _cache() / f"bench-{PAGES}-pages-persian-v1.pdf"
    if path.exists():
        return path
    if shutil.which("soffice") is None:
        return None
    import importlib.util

    from . import dataset
    spec = importlib.util.spec_from_file_location("make_fixtures", dataset.ROOT / "tests/data/sources/make_fixtures.py")
    assert spec and spec.loader
    mf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mf)
    paras = [p for page in mf.PERSIAN_PAGES for p in page]
    pages = [[f"{paras[(p + k) % len(paras)]} {paras[(p + 2 * k + 1) % len(paras)]}" for k in range(6)]
             for p in range(PAGES)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "persian300.fodt"
        src.write_text(mf._fodt(mf._paged(pages, "RTL"), "Persian bench"), encoding="utf-8")
        made = mf.soffice(src, "pdf", Path(tmp), Path(tmp) / "profile")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, path)
    return path


def run_add_pdf(workdir: Path, repeats: int, pdf: Path | None = None, what: str = "") -> Result:
    from app.exchange.extract import extract
    from app.services import operations as ops
    from app.store.store import Store
    pdf = pdf or bench_pdf(workdir)
    template = workdir / "sources-empty.sqlite"
    if not template.exists():
        with Store(template) as s:
            s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = workdir / "sources-run.sqlite"

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db)

    def app():
        with Store(db) as store:
            got = extract(pdf)
            ops.perform(store, ops.AddSource(got.text, {"title": got.title or pdf.stem}, original=got.original()))

    def baseline():
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(str(pdf))
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        doc.close()

    a, b = paired_times(app, baseline, repeats=min(repeats, 3), warmup=0, app_setup=fresh)
    r = Result(f"add a {PAGES}-page {what}PDF as a source vs pypdfium2 reading its text", a[0], b[0],
               f"< {TARGET_S:g} s", samples={"app": a[1], "baseline": b[1]},
               note=f"{pdf.stat().st_size / 1e6:.1f} MB PDF")
    r.passed = a[0] <= TARGET_S
    return r


def megabyte_text() -> str:
    lines = []
    n = 0
    while sum(map(len, lines)) < 1_000_000:
        n += 1
        s = SENTENCES[n % len(SENTENCES)]
        lines.append(f"Article {n}: {s.replace('ten percent', f'{n % 40} percent')}\n\n")
    return "".join(lines)


def quotes(text: str, count: int = 10_000) -> list[dict]:
    """count citations of five kinds, as an import by quote alone brings them."""
    out = []
    articles = text.count("Article ")
    for k in range(count):
        n = 1 + (k * 7919) % (articles - 1)
        head = f"Article {n}: "
        i = text.index(head)
        line = text[i:text.index("\n", i)]
        kind = k % 5
        if kind == 0:      # unique: the article's number is in the quote
            out.append({"quote": line[:40]})
        elif kind == 1:    # repeated many times; the context decides
            body = line[len(head):][:30]
            out.append({"quote": body, "prefix": text[max(0, i + len(head) - 32):i + len(head)],
                        "suffix": text[i + len(head) + 30:i + len(head) + 62]})
        elif kind == 2:    # repeated, no clue: left unplaced
            out.append({"quote": line[len(head):][:30]})
        elif kind == 3:    # typed from print: line break and a hyphen at the line end
            q = line[:60]
            cut = q.rfind(" ", 0, 40)
            out.append({"quote": q[:cut] + "\n" + q[cut + 1:]})
        else:              # a typo
            q = line[:50]
            out.append({"quote": q[:25] + q[26:]})
    return out


def run_anchor(repeats: int) -> Result:
    from app.core import anchoring
    text = megabyte_text()
    qs = quotes(text)
    stats = {}

    def app():
        a = anchoring.Anchorer(text)
        placed = sum(a.anchor(q["quote"], q.get("prefix", ""), q.get("suffix", "")) is not None for q in qs)
        stats.update(placed=placed, scored=a.scored)

    def baseline():
        for q in qs:
            text.find(q["quote"])

    a = median_time(app, repeats=min(repeats, 3), warmup=0)
    b = median_time(baseline, repeats=min(repeats, 3), warmup=0)
    r = Result(f"anchor {len(qs):,} quotes on a {len(text) / 1e6:.1f} MB text vs str.find of each", a[0], b[0],
               "info", samples={"app": a[1], "baseline": b[1], **stats},
               note=f"{stats['placed']:,} placed, {stats['scored']:,} places scored "
                    f"(at most {anchoring.MAX_CANDIDATES} a quote)")
    return r


def run(ctx) -> list:
    out = [run_add_pdf(ctx.workdir, ctx.repeats)]
    fa = persian_pdf()
    out.append(run_add_pdf(ctx.workdir, ctx.repeats, fa, "Persian ") if fa else
               skipped(f"add a {PAGES}-page Persian PDF as a source", "LibreOffice (soffice) is not installed",
                       f"< {TARGET_S:g} s"))
    return out + [run_anchor(ctx.repeats)]


if __name__ == "__main__":
    from .harness import table
    work = Path(tempfile.mkdtemp(prefix="bench-sources-"))
    try:
        class _Ctx:
            workdir, repeats = work, 3
        results = run(_Ctx())
        print(table(results))
        for res in results:
            print(res.name, res.samples, res.note)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if all(res.passed is not False for res in results) else 1)
