"""`policy-tracker report` in a subprocess, with no display and no Qt platform chosen by the caller."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_report(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "app.cli", "report", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_headless_report_writes_a_pdf(seeded_path, tmp_path):
    """With no display and no QT_QPA_PLATFORM the command still writes a real PDF."""
    out = tmp_path / "r.pdf"
    res = run_report("--db", str(seeded_path), "-o", str(out), "--as-of", "2025-07-01", "--page-size", "Letter")
    assert res.returncode == 0, res.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Summary by framework" in text


def test_headless_report_writes_html(seeded_path, tmp_path):
    """--format html (or a .html name) writes one HTML file."""
    out = tmp_path / "r.html"
    res = run_report("--db", str(seeded_path), "-o", str(out), "--framework", "Tokyo", "--no-quotes")
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Tokyo Statement" in text
    assert text.count('class="newpage framework"') == 1  # one framework section


@pytest.mark.parametrize("args, words", [
    (["--framework", "Atlantis"], "no framework"),
    (["--as-of", "2025-02-30"], "not a date"),
    (["--status", "done"], "not a status"),
    (["--page-size", "A3"], "Page size"),
    (["--preset", "nothing-saved"], "no saved report settings"),
])
def test_bad_input_is_one_line_and_exit_1(seeded_path, tmp_path, args, words):
    """A person's mistake ends with exit code 1 and one sentence on stderr, no traceback."""
    res = run_report("--db", str(seeded_path), "-o", str(tmp_path / "r.pdf"), *args)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in res.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_unwritable_output_is_one_line(seeded_path, tmp_path):
    """An output folder that does not exist is reported in one line."""
    res = run_report("--db", str(seeded_path), "-o", str(tmp_path / "nope" / "r.pdf"))
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1


def test_headless_report_writes_word_and_excel(seeded_path, tmp_path):
    """--format docx|xlsx, or the file's extension, writes a Word document or an Excel workbook."""
    import zipfile
    docx_out, xlsx_out = tmp_path / "r.docx", tmp_path / "status.dat"
    res = run_report("--db", str(seeded_path), "-o", str(docx_out), "--as-of", "2025-07-01")
    assert res.returncode == 0, res.stderr
    assert "word/document.xml" in zipfile.ZipFile(docx_out).namelist()
    res = run_report("--db", str(seeded_path), "-o", str(xlsx_out), "--format", "xlsx", "--framework", "Tokyo")
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == f"Wrote {xlsx_out} (7 items)."
    assert "xl/workbook.xml" in zipfile.ZipFile(xlsx_out).namelist()


def test_format_follows_the_extension():
    """.html/.htm, .docx and .xlsx pick their format; anything else is a PDF unless --format says otherwise."""
    from app.reports.commands import format_for
    assert [format_for(Path(f"r.{e}"), None) for e in ("pdf", "HTM", "html", "docx", "xlsx", "txt")] == \
        ["pdf", "html", "html", "docx", "xlsx", "pdf"]
    assert format_for(Path("r.pdf"), "xlsx") == "xlsx"
