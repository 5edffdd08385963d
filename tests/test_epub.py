"""The e-book is valid: EPUBCheck, the reference validator, reports no error or warning
for the real site (workbook tools included) and for a small card project (collapsible
cards, a name in Cyrillic). Sphinx's -W does not look at XHTML validity, so this is the only guard."""

from __future__ import annotations

import subprocess

import pytest

from browser import require_tool
from conftest import REPO, sphinx_build

EPUBCHECK = "/usr/bin/epubcheck"


def epubcheck(epub_dir) -> subprocess.CompletedProcess:
    require_tool(EPUBCHECK)
    require_tool("java")
    (book,) = epub_dir.glob("*.epub")
    return subprocess.run(["java", "-jar", EPUBCHECK, str(book)], capture_output=True, text=True, check=False)


def test_the_site_as_an_e_book_passes_epubcheck(site):
    result = epubcheck(site("epub"))
    assert result.returncode == 0 and "No errors or warnings detected" in result.stdout, (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize("root", ["test-writers"])
def test_card_projects_as_e_books_pass_epubcheck(root, tmp_path):
    out = tmp_path / "epub"
    result = sphinx_build(
        REPO / "tests" / "roots" / root, out, "epub", "-D", "copyright=2026", "-D", "version=1"
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    checked = epubcheck(out)
    assert checked.returncode == 0 and "No errors or warnings detected" in checked.stdout, (
        checked.stdout + checked.stderr
    )
