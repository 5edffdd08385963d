"""The e-book is valid: EPUBCheck, the reference validator, reports no error or warning
for the real site (workbook tools included) and for a small card project (collapsible
cards, a name in Cyrillic). Sphinx's -W does not look at XHTML validity, so this is the only guard.
Each week's book has a cover readers' libraries show and the site's whole note of care, and
its cards keep their look when calibre converts the book for a Kindle."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from browser import CHROMIUM, LocalServer, require_tool, visit
from conftest import COURSE, NODE, REPO, soup, sphinx_build
from course_site import structure

EPUBCHECK = "/usr/bin/epubcheck"
# Each EPUBCheck run is a short-lived Java program: with the JIT's quick tier alone and the
# serial collector it takes half the CPU time, and checks exactly the same.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def run_epubcheck(book: Path) -> subprocess.CompletedProcess:
    require_tool(EPUBCHECK)
    require_tool("java")
    return subprocess.run([*JAVA, "-jar", EPUBCHECK, str(book)], capture_output=True, text=True, check=False)


def epubcheck(epub_dir) -> subprocess.CompletedProcess:
    (book,) = epub_dir.glob("*.epub")
    return run_epubcheck(book)


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


# Each week's e-book, written by the HTML build (_ext/course_site/week_ebooks.py).

ACE = REPO / "tools" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"
EBOOKS_ROOT = REPO / "tests" / "roots" / "test-ebooks"
ACCESSIBILITY = {
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
    "dcterms:conformsTo",
}


def book_files(book) -> dict[str, str]:
    with zipfile.ZipFile(book) as epub:
        return {name: epub.read(name).decode() for name in epub.namelist() if not name.endswith(".png")}


def xml(text: str) -> BeautifulSoup:
    """An XML file of the book; Python's parser keeps prefixed names (``dc:title``) whole."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "html.parser")


@pytest.fixture(scope="module")
def week_books(site) -> dict[str, dict[str, str]]:
    """The real site's e-books, week by week: their files' text."""
    html = site("html")
    return {
        week.name: book_files(html / "ebooks" / f"safe-connections-{week.name}.epub") for week in COURSE.weeks
    }


def test_the_contents_list_the_week_page_every_section_the_workbook_and_the_metaphors(week_books):
    for week, files in week_books.items():
        expected = [f"{week}/index.xhtml"] + [
            f"{entry}.xhtml" for entry in structure.toctree_entries(REPO, f"{week}/index")
        ]
        assert {f"{week}/workbook.xhtml", f"{week}/metaphors.xhtml"} <= set(expected)
        nav = [
            a["href"] for a in xml(files["nav.xhtml"]).find("nav", attrs={"epub:type": "toc"}).find_all("a")
        ]
        ncx = [point["src"] for point in xml(files["toc.ncx"]).find_all("content")]
        assert nav == expected and ncx == expected


def test_a_book_carries_nothing_of_the_notes_it_cannot_keep(week_books):
    """No script runs in an e-reader: no notes boxes, no notes tools, none of the data the
    notes script reads (which would also tie each book to every other week's cards)."""
    for week, files in week_books.items():
        for name, text in files.items():
            if name.endswith(".xhtml"):
                page = xml(text)
                assert page.select(".course-notes-tools, noscript") == [], (week, name)
                data = {a for tag in page.find_all(True) for a in tag.attrs if a.startswith("data-")}
                assert not {"data-known", "data-notes", "data-backup"} & data, (week, name)


def test_each_book_has_its_own_identifier_title_description_language_author(week_books, tmp_path):
    for week, files in week_books.items():
        opf = xml(files["content.opf"])
        identifier = opf.find("dc:identifier").get_text()
        assert (
            identifier.startswith("urn:uuid:")
            and opf.find("package")["unique-identifier"] == opf.find("dc:identifier")["id"]
        )
        assert xml(files["toc.ncx"]).find("meta", attrs={"name": "dtb:uid"})["content"] == identifier
        assert opf.find("dc:title").get_text() == f"Safe Connections – Week {week[4:]}"
        assert opf.find("dc:language").get_text() == "en"
        assert opf.find("dc:creator").get_text() == "The Safe Connections course team"
        description = opf.find("dc:description").get_text()
        assert description and description != "unknown"
        properties = {meta["property"] for meta in opf.find_all("meta", property=True)}
        assert ACCESSIBILITY <= properties, ACCESSIBILITY - properties
    # Unique per week, and the same on every build.
    builds = [tiny_build(tmp_path / f"build{n}") for n in (1, 2)]
    identifiers = [
        {
            week: xml(book_files(out / "ebooks" / f"tiny-course-{week}.epub")["content.opf"])
            .find("dc:identifier")
            .get_text()
            for week in ("week1", "week2")
        }
        for out, _ in builds
    ]
    assert identifiers[0] == identifiers[1] and len(set(identifiers[0].values())) == 2
    # The same sources give the same bytes, cover included; each week its own cover.
    books = [
        {week: (out / "ebooks" / f"tiny-course-{week}.epub") for week in ("week1", "week2")}
        for out, _ in builds
    ]
    assert all(books[0][week].read_bytes() == books[1][week].read_bytes() for week in books[0])
    assert cover_of(books[0]["week1"])[1] != cover_of(books[0]["week2"])[1]


def test_every_page_of_a_book_says_its_language_and_its_title(week_books, site):
    for week, files in week_books.items():
        for name, text in files.items():
            if name.startswith(f"{week}/") and name.endswith(".xhtml"):
                page = xml(text)
                root = page.find("html")
                assert root.get("lang") == "en" and root.get("xml:lang") == "en", name
                # The page's title as the site gives it, before the site's name.
                on_the_site = BeautifulSoup(
                    (site("html") / name).with_suffix(".html").read_text(), "html.parser"
                )
                title = on_the_site.title.get_text().split(" - ")[0].split(" — ")[0]
                assert page.title.get_text().startswith(title), (name, page.title, title)


def test_each_card_on_the_week_page_is_a_visible_link_into_the_book(week_books, tmp_path):
    for week, files in week_books.items():
        page = BeautifulSoup(files[f"{week}/index.xhtml"], "html.parser")
        cards = page.select(".sd-card")
        assert cards
        for card in cards:
            (link,) = card.find_all("a")  # the hidden whole-card link is gone
            assert link.get_text(strip=True) and "sd-hide-link-text" not in link.get("class", [])
            assert f"{week}/{link['href']}" in files, link["href"]
    # Where a card has a footer, "Read the section →" is the link.
    out, result = tiny_build(tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(
        book_files(out / "ebooks" / "tiny-course-week1.epub")["week1/index.xhtml"], "html.parser"
    )
    (link,) = page.select(".sd-card a")
    assert link.get_text() == "Read the section →" and link["href"] == "01-arriving.xhtml"


def test_ace_by_daisy_finds_nothing_critical_or_serious(site, tmp_path):
    require_tool(str(NODE))
    require_tool(str(ACE))
    require_tool(CHROMIUM)
    for week in COURSE.weeks:
        book = site("html") / "ebooks" / f"safe-connections-{week.name}.epub"
        report = tmp_path / week.name
        subprocess.run(
            [str(NODE), str(ACE), "--silent", "--force", "--outdir", str(report), str(book)],
            check=True,
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM},
            timeout=300,
        )
        findings = [
            (
                test["earl:test"]["earl:impact"],
                test["earl:test"]["dct:title"],
                file["earl:testSubject"]["url"],
            )
            for file in json.loads((report / "report.json").read_text())["assertions"]
            for test in file.get("assertions", [])
        ]
        assert not [f for f in findings if f[0] in ("critical", "serious")], findings


def tiny_build(out, *options: str, source=EBOOKS_ROOT) -> tuple:
    result = sphinx_build(
        source, out, "html", "-w", str(out.with_name(out.name + "-warnings.txt")), *options, quiet=False
    )
    return out, result


def test_a_reference_to_another_week_is_text_in_the_book_or_a_link_to_the_site(tmp_path):
    for baseurl in ("", "https://course.example/"):
        out, result = tiny_build(tmp_path / f"out{bool(baseurl)}", "-D", f"html_baseurl={baseurl}")
        assert result.returncode == 0 and not result.stderr, result.stderr
        files = book_files(out / "ebooks" / "tiny-course-week1.epub")
        page = BeautifulSoup(files["week1/02-staying.xhtml"], "html.parser")
        paragraph = page.find("p", string=lambda text: False) or page.select_one("section p")
        links = {a.get_text(): a["href"] for a in paragraph.find_all("a")}
        assert links.pop("A door left open") == "01-arriving.xhtml#metaphor-door"  # inside the week
        assert "A window" in paragraph.get_text() and "Looking" in paragraph.get_text()
        if baseurl:
            assert links == {
                "A window": "https://course.example/week2/01-looking.html#metaphor-window",
                "Looking": "https://course.example/week2/01-looking.html",
            }
        else:
            assert links == {}


def broken_copy(tmp_path):
    """The tiny course with a reference to no card (a warning of the site and, once more,
    of the book) and an image the EPUB cannot hold (a warning of the book alone)."""
    source = tmp_path / "src"
    shutil.copytree(EBOOKS_ROOT, source)
    (source / "week1" / "plan.tiff").write_bytes(b"II*\0")
    with (source / "week1" / "01-arriving.md").open("a") as page:
        page.write("\n![A plan](plan.tiff)\n")
    with (source / "week1" / "02-staying.md").open("a") as page:
        page.write("\nA link that leads nowhere: {ref}`no-such-card`.\n")
    return source


def test_each_warning_is_given_once_and_counted_right_and_again_on_the_next_build(tmp_path):
    source = broken_copy(tmp_path)
    for run in (1, 2):  # the second build reads nothing again
        out, result = tiny_build(tmp_path / "out", source=source)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        missing = [line for line in lines if "no-such-card" in line]
        assert len(missing) == 1 and missing[0].startswith(f"{source}/week1/02-staying.md:"), lines
        assert missing[0].endswith("WARNING: undefined label: 'no-such-card' [ref.ref]")
        assert len([line for line in lines if "plan.tiff" in line]) == 1, lines
        assert all("WARNING" in line for line in lines), "no progress line glued to a warning"
        assert result.returncode != 0, f"build {run} fails"
        assert "build finished with problems, 2 warnings" in result.stdout, result.stdout[-300:]
        recorded = out.with_name("out-warnings.txt").read_text()
        assert "plan.tiff" in recorded, "the Makefile sees the book's warning"


def png(width: int) -> bytes:
    """A grey PNG, ``width`` pixels wide and one high."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" + b"\x80" * width)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_each_book_is_written_as_if_it_were_the_only_one(tmp_path):
    """One builder writes every book of a build, after the site's pages: nothing of one book (its images, its file ids, its folder) reaches the
    next, the site's own files get none of theirs, and a book written alone has the same bytes."""
    source = tmp_path / "src"
    shutil.copytree(EBOOKS_ROOT, source)
    for week, page in (("week1", "01-arriving.md"), ("week2", "01-looking.md")):
        (source / week / f"{week}-map.png").write_bytes(png(int(week[-1])))
        with (source / week / page).open("a") as text:
            text.write(f"\n![The map of {week}]({week}-map.png)\n")
    out, result = tiny_build(tmp_path / "out", source=source)
    assert result.returncode == 0 and not result.stderr, result.stderr
    together = {book.name: book.read_bytes() for book in sorted((out / "ebooks").glob("*.epub"))}
    assert len(together) == 2
    for name in together:
        week = name.removesuffix(".epub").rsplit("-", 1)[1]
        with zipfile.ZipFile(out / "ebooks" / name) as epub:
            images = [file for file in epub.namelist() if file.startswith("_images/")]
            static = {file for file in epub.namelist() if file.startswith("_static/")}
        assert [image.rsplit("/", 1)[1] for image in images] == [f"{week}-map.png"], (name, images)
        assert {"_static/epub.css", "_static/basic.css", "_static/course_cards.css"} <= static, name
    assert not (out / "_static" / "epub.css").exists(), "the books' theme stays out of the site"
    for name, data in together.items():
        # Without its file, a book is written again, and alone, by a builder of its own.
        (out / "ebooks" / name).unlink()
        _, result = tiny_build(tmp_path / "out", source=source)
        assert result.returncode == 0 and not result.stderr, result.stderr
        assert (out / "ebooks" / name).read_bytes() == data, f"{name} differs when written alone"


def test_the_books_are_written_by_the_build_itself_after_its_pages(make_app, tmp_path, monkeypatch):
    from course_site import week_ebooks

    writers = []
    write_book = week_ebooks.write_book
    site = {}

    def recorded(app, book, week, number, target):
        writers.append((os.getpid(), id(book), (site["out"] / "week2" / "index.html").is_file()))
        write_book(app, book, week, number, target)

    monkeypatch.setattr(week_ebooks, "write_book", recorded)
    shutil.copytree(EBOOKS_ROOT, tmp_path / "src")
    app = make_app("html", srcdir=tmp_path / "src")
    site["out"] = app.outdir
    app.build()
    assert sorted(path.name for path in (app.outdir / "ebooks").iterdir()) == [
        "tiny-course-week1.epub",
        "tiny-course-week2.epub",
    ]
    assert len(writers) == 2 and len(set(writers)) == 1, "one builder, in the build's process"
    assert writers[0] == (os.getpid(), writers[0][1], True)


def test_a_book_that_cannot_be_written_gives_one_located_warning_and_the_site_stays(
    make_app, tmp_path, monkeypatch
):
    from course_site import week_ebooks

    def failing(app, book, week, number, target):
        raise OSError("disk full")

    monkeypatch.setattr(week_ebooks, "write_book", failing)
    shutil.copytree(EBOOKS_ROOT, tmp_path / "src")
    app = make_app("html", srcdir=tmp_path / "src")
    app.build()
    from sphinx.util.console import strip_escape_sequences

    warnings = strip_escape_sequences(app.warning.getvalue()).splitlines()
    assert [line.split(": WARNING: ")[0].rsplit("/", 2)[-2:] for line in warnings] == [
        ["week1", "index.md"],
        ["week2", "index.md"],
    ], warnings
    assert all(
        line.endswith("could not be written: OSError: disk full [week_ebooks.build]") for line in warnings
    ), warnings
    assert (app.outdir / "week2" / "index.html").is_file()
    assert not list((app.outdir / "ebooks").iterdir())


def test_a_book_follows_what_is_not_a_page_a_stylesheet_a_tag_a_setting(tmp_path):
    """The books are written again when a stylesheet, a tag an ``only`` block reads, or an
    HTML setting changes, as a clean build would write them."""
    source = tmp_path / "src"
    shutil.copytree(EBOOKS_ROOT, source)
    (source / "_static").mkdir()
    (source / "_static" / "extra.css").write_text("p { color: black; }\n")
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + '\nhtml_static_path = ["_static"]\nhtml_css_files = ["extra.css"]\n')
    page = source / "week1" / "01-arriving.md"
    page.write_text(page.read_text() + "\n```{only} extra\nOnly with the extra tag.\n```\n")
    book = "tiny-course-week1.epub"

    def built(*options: str) -> dict:
        out, result = tiny_build(tmp_path / "out", *options, source=source)
        assert result.returncode == 0 and not result.stderr, result.stderr
        return book_files(out / "ebooks" / book)

    first = built()
    assert first["_static/extra.css"] == "p { color: black; }\n"
    (source / "_static" / "extra.css").write_text("p { color: navy; }\n")
    assert built()["_static/extra.css"] == "p { color: navy; }\n"
    tagged = built("-t", "extra")
    assert "Only with the extra tag." in tagged["week1/01-arriving.xhtml"]
    assert "Only with the extra tag." not in built()["week1/01-arriving.xhtml"]
    retitled = built("-D", "html_title=Another title")
    assert retitled != first


def test_a_rebuild_writes_only_the_books_whose_week_changed(tmp_path):
    """A rebuild with nothing changed writes no book, and an edit in one week writes that
    week's book alone: at 52 weeks, one edit otherwise costs the writing of every book."""
    source = tmp_path / "src"
    shutil.copytree(EBOOKS_ROOT, source)

    def written_books() -> dict[str, int]:
        out, result = tiny_build(tmp_path / "out", source=source)
        assert result.returncode == 0 and not result.stderr, result.stderr
        return {book.name: book.stat().st_mtime_ns for book in (out / "ebooks").glob("*.epub")}

    first = written_books()
    assert len(first) == 2
    assert written_books() == first, "a rebuild with nothing changed wrote a book"
    page = source / "week1" / "01-arriving.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    after_edit = written_books()
    assert [name for name in first if after_edit[name] != first[name]] == ["tiny-course-week1.epub"]


def test_what_a_clean_build_would_not_make_is_removed(tmp_path):
    """An image and a download no page uses any more, and the book of a week taken out of
    the course, leave the output, whose files are then those of a clean build."""
    source = tmp_path / "src"
    shutil.copytree(EBOOKS_ROOT, source)
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + '\nextensions.append("course_site.incremental")\n')
    (source / "week1" / "map.png").write_bytes(png(3))
    (source / "week1" / "handout.txt").write_text("A handout to take home.\n")
    page = source / "week1" / "01-arriving.md"
    original = page.read_text()
    page.write_text(original + "\n![A map](map.png)\n\n{download}`The handout <handout.txt>`\n")
    out, result = tiny_build(tmp_path / "out", source=source)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert list((out / "_images").glob("map*.png")) and list((out / "_downloads").rglob("handout.txt"))
    assert (out / "ebooks" / "tiny-course-week2.epub").is_file()
    page.write_text(original)
    index = source / "index.md"
    index.write_text(index.read_text().replace("week2/index\n", ""))
    shutil.rmtree(source / "week2")
    staying = source / "week1" / "02-staying.md"
    staying.write_text(staying.read_text().replace(staying.read_text().splitlines()[2] + "\n", ""))
    out, result = tiny_build(out, source=source)
    assert result.returncode == 0 and not result.stderr, result.stderr
    clean, result = tiny_build(tmp_path / "clean", source=source)
    assert result.returncode == 0, result.stderr

    def files(folder: Path) -> set[str]:
        return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}

    assert files(out) - {".shared-inputs"} == files(clean) - {".shared-inputs"}


def cover_of(book: Path) -> tuple[str, bytes]:
    """The image the package names as its cover, the EPUB 3 way (the manifest item's
    ``cover-image`` property) and the EPUB 2 way (``<meta name="cover">``) alike."""
    with zipfile.ZipFile(book) as epub:
        opf = xml(epub.read("content.opf").decode())
        (item,) = opf.find_all("item", properties=lambda value: value and "cover-image" in value.split())
        assert opf.find("meta", attrs={"name": "cover"})["content"] == item["id"]
        assert item["id"] not in [ref["idref"] for ref in opf.find_all("itemref")], "no page to read"
        return item["href"], epub.read(item["href"])


def week_page_title(html: Path, week) -> str:
    heading = soup(html / week.name / "index.html").find("h1")
    for link in heading.select("a.headerlink"):
        link.decompose()
    return heading.get_text().strip()


def test_each_book_has_a_cover_with_the_course_and_the_week(site):
    from PIL import Image

    from course_site import ebook_cover

    html = site("html")
    for week in COURSE.weeks:
        href, data = cover_of(html / "ebooks" / f"safe-connections-{week.name}.epub")
        image = Image.open(io.BytesIO(data))
        assert href.endswith(".png") and image.format == "PNG" and image.size == (1000, 1600)
        # What the cover shows: the course's name and the week's title, as its page gives it.
        title = week_page_title(html, week)
        assert title.startswith(week.title)
        assert data == ebook_cover.draw(
            "Safe Connections", week.title, title, "The Safe Connections course team"
        )


def test_a_cover_draws_a_letter_its_font_lacks_as_its_base_letter():
    from course_site.ebook_cover import drawable

    assert drawable("Semaine 7 – Liens sûrs, à deux", 120) == "Semaine 7 - Liens surs, a deux"


def words(element) -> str:
    return " ".join(element.get_text().split())


def test_the_week_page_carries_the_site_s_whole_note_of_care_before_the_sections(site, week_books):
    """The note the site's care line points to, word for word as the site shows it, on
    the book's first page (the week's), which comes before every section."""
    note = soup(site("html") / "index.html").find(id="a-note-of-care")
    for link in note.select("a.headerlink"):
        link.decompose()
    expected = [words(part) for part in note.find_all(["h2", "p"])]
    assert expected[0] == "A note of care" and len(expected) >= 3
    for week, files in week_books.items():
        opf = xml(files["content.opf"])
        hrefs = {item["id"]: item["href"] for item in opf.find_all("item")}
        spine = [hrefs[ref["idref"]] for ref in opf.find_all("itemref")]
        assert spine[0] == f"{week}/index.xhtml", spine
        page = BeautifulSoup(files[spine[0]], "html.parser")
        in_book = page.find(id="a-note-of-care")
        assert in_book is not None, f"{week}: no note of care"
        assert [words(part) for part in in_book.find_all(["h2", "p"])] == expected
        assert not in_book.select(".toctree-wrapper"), "the home page's toctrees stay out"


# The book as a reader converts it for a Kindle: calibre's ebook-convert, EPUB to AZW3 (it
# drops every declaration that uses a CSS variable), then AZW3 to HTMLZ to look inside.

EBOOK_CONVERT = "ebook-convert"


@pytest.fixture(scope="module")
def kindle_book(site, tmp_path_factory) -> Path:
    """The first week's book, converted; the folder of the unpacked HTMLZ."""
    require_tool(EBOOK_CONVERT)
    week = COURSE.weeks[0]
    folder = tmp_path_factory.mktemp("kindle")
    book = site("html") / "ebooks" / f"safe-connections-{week.name}.epub"
    for source, target in ((book, folder / "book.azw3"), (folder / "book.azw3", folder / "book.htmlz")):
        converted = subprocess.run(
            [EBOOK_CONVERT, str(source), str(target)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert converted.returncode == 0, converted.stdout[-2000:] + converted.stderr[-2000:]
    with zipfile.ZipFile(folder / "book.htmlz") as htmlz:
        htmlz.extractall(folder / "html")
    return folder / "html"


def calibre_rules(stylesheet: str) -> dict[str, dict[str, str]]:
    """calibre's flattened stylesheet: one rule per class, ``.name { … }``; its
    declarations by property, in the sheet's order."""
    import tinycss2

    rules: dict[str, dict[str, str]] = {}
    for rule in tinycss2.parse_stylesheet(stylesheet, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        for match in re.findall(r"^\.([\w-]+)$", selector):
            rules.setdefault(match, {}).update(
                {
                    d.lower_name: tinycss2.serialize(d.value).strip()
                    for d in declarations
                    if d.type == "declaration"
                }
            )
    return rules


def declared(rules: dict[str, dict[str, str]], element) -> dict[str, str]:
    """What calibre's rules give an element (each of its classes has one rule of its own)."""
    values: dict[str, str] = {}
    for name in [name for name in rules if name in element.get("class", [])]:
        values.update(rules[name])
    return values


def converted_cards(folder: Path) -> list[tuple]:
    """Each card of the converted book: (card, header, icon, kind label, title or None)."""
    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    cards = []
    for card in page.find_all(attrs={"aria-labelledby": re.compile(r"^\S+-kind\b")}):
        header = card.find(True)
        icon, label, *title = header.find_all(True, recursive=False)
        cards.append((card, header, icon, label, title[0] if title else None))
    return cards


def test_converted_for_a_kindle_the_cards_keep_label_title_and_icons_apart(kindle_book):
    """calibre keeps no declaration with a CSS variable: each card's header still sets its
    label apart from its title, and each icon keeps the shape its mask draws, so it is
    not a filled square."""
    rules = calibre_rules((kindle_book / "style.css").read_text(encoding="utf-8"))
    cards = converted_cards(kindle_book)
    kinds = {words(label) for _card, _header, _icon, label, _title in cards}
    assert kinds == {"Metaphor", "Reflection"}, kinds
    for card, header, icon, label, title in cards:
        where = card.get("aria-labelledby")
        assert icon.get("aria-hidden") == "true" and not words(icon), where
        assert words(label) in kinds and label is not title, where
        gap = declared(rules, header).get("column-gap", "0")
        assert re.fullmatch(r"0?\.?\d+(rem|em|px)", gap) and float(re.sub(r"[a-z]+", "", gap)) > 0, (
            where,
            gap,
        )
        mask = declared(rules, icon).get("mask-image", "")
        assert mask.startswith('url("data:image/svg+xml,') and "path" in mask, (where, declared(rules, icon))
        assert title is None or words(title), where
    # The cover came through to the Kindle's file (calibre scales it to a Kindle's screen).
    from PIL import Image

    (cover,) = [path for path in kindle_book.iterdir() if path.name.startswith("cover.")]
    width, height = Image.open(cover).size
    assert abs(width / height - 1000 / 1600) < 0.01, (width, height)


def test_converted_for_a_kindle_the_cards_look_like_cards_in_a_browser(kindle_book, browser):
    """The converted page in Chromium: label and title side by side with room between
    them, icons drawn as shapes; a screenshot of the first cards for reviewers."""
    from PIL import Image

    server = LocalServer(kindle_book)
    try:
        with visit(browser, server, "index.html", width=600) as (page, traffic):
            parts = page.evaluate(
                """() => [...document.querySelectorAll('[aria-labelledby$="-kind"], [aria-labelledby*="-kind "]')]
                  .map(card => {
                    const header = card.firstElementChild;
                    const [icon, label, title] = header.children;
                    const box = el => el && el.getBoundingClientRect().toJSON();
                    return {id: card.getAttribute('aria-labelledby'), icon: box(icon), label: box(label),
                            title: box(title), mask: getComputedStyle(icon).maskImage};
                  })"""
            )
            assert len(parts) >= 2, parts
            for card in parts:
                label, title = card["label"], card["title"]
                if title:
                    beside = title["left"] - label["right"] >= 4
                    below = title["top"] >= label["bottom"]
                    assert beside or below, card
                assert card["mask"].startswith("url("), card
            first = page.locator('[aria-labelledby$="-kind"], [aria-labelledby*="-kind "]')
            icon = Image.open(io.BytesIO(first.first.locator("span").first.screenshot())).convert("L")
            inked = sum(1 for value in icon.tobytes() if value < 160) / (icon.width * icon.height)
            assert 0.05 < inked < 0.6, f"the icon is {inked:.0%} ink: a filled square, or nothing"
            shots = kindle_book.parent / "cards-converted-for-a-kindle.png"
            box = first.nth(0).bounding_box()
            last = first.nth(1).bounding_box()
            page.screenshot(
                path=str(shots),
                clip={
                    "x": 0,
                    "y": box["y"] - 8,
                    "width": 600,
                    "height": last["y"] + last["height"] - box["y"] + 16,
                },
            )
            print(f"\nScreenshot of the converted cards: {shots}")
            assert not traffic.offsite and not traffic.failed, (traffic.offsite, traffic.failed)
    finally:
        server.close()
