"""The benchmark's generator and conversions stay honest as the content changes, its
variants load what their names say, the mkdocs-material peer builds the same course
offline, and a one-week run works end to end. Nothing here is timed."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import COURSE, REPO

sys.path.insert(0, str(REPO / "tools" / "bench"))
import bench  # noqa: E402
import course  # noqa: E402

REAL_CARDS = {
    "metaphor": sum(p.read_text().count(":::{metaphor}") for p in (REPO / "week7").glob("*.md")),
    "reflection": sum(p.read_text().count(":::{reflection}") for p in (REPO / "week7").glob("*.md")),
}


def conf_extensions(folder):
    """The extensions a generated conf.py ends up setting, as Sphinx would read them."""
    return runpy.run_path(str(folder / "conf.py"))["extensions"]


def loaded_extensions(folder, *options):
    """Every extension Sphinx has loaded once it has read the conf.py and set up the HTML
    builder, in a process of its own (the site's extensions patch Furo where they load)."""
    script = (
        "import json, sys; from sphinx.application import Sphinx; "
        "app = Sphinx(sys.argv[1], sys.argv[1], sys.argv[2], sys.argv[2] + '/.doctrees', 'html', "
        "status=None, confoverrides=dict(a.split('=', 1) for a in sys.argv[3:])); "
        "print(json.dumps(sorted(app.extensions)))"
    )
    overrides = [options[i + 1] for i in range(0, len(options), 2) if options[i] == "-D"]
    result = subprocess.run(
        [sys.executable, "-c", script, str(folder), str(folder / "_out"), *overrides],
        capture_output=True,
        text=True,
        check=True,
        # The project's extensions importable, as they are for a build: only conf.py decides.
        env={**os.environ, "PYTHONPATH": str(REPO / "_ext")},
    )
    return set(json.loads(result.stdout))


PROJECT_MODULES = {
    p.stem for p in (REPO / "_ext").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
}


@pytest.mark.parametrize("variant", bench.VARIANTS, ids=lambda v: v.name)
def test_every_variant_keeps_every_card_of_every_week(tmp_path, variant):
    folder = course.generate(3, tmp_path / variant.name, variant)
    # One of each per section: the count above reads the pages the benchmark copies.
    sections = len(COURSE.week("week7").sections)
    assert REAL_CARDS == {"metaphor": sections, "reflection": sections}
    assert course.count_cards(folder) == {kind: 3 * n for kind, n in REAL_CARDS.items()}
    assert len(list(folder.glob("week0*/*.md"))) == 3 * len(list((REPO / "week7").glob("*.md")))


def test_admonitions_drop_the_extension_and_its_lists(tmp_path):
    variant = bench.BY_NAME[bench.ADMONITIONS]
    folder = course.generate(1, tmp_path / "b", variant)
    text = "\n".join(p.read_text() for p in folder.rglob("*.md"))
    assert not re.search(r"\{(metaphor|reflection|cardlist)\}", text)
    # Not even through another of the site's extensions.
    loaded = loaded_extensions(folder, *variant.options)
    assert "course_cards" not in loaded and "build_speedups" in loaded
    assert (
        ":::{admonition} Two instruments tuning together\n:class: metaphor\n:name: metaphor-tuning-week01"
        in text
    )


def test_exercises_replace_reflections_only(tmp_path):
    folder = course.generate(1, tmp_path / "c", bench.BY_NAME[bench.EXERCISES])
    text = "\n".join(p.read_text() for p in folder.rglob("*.md"))
    assert ":::{exercise}\n:label: reflect-co-regulation-week01" in text
    assert text.count(":::{metaphor}") == REAL_CARDS["metaphor"] and ":::{reflection}" not in text


def test_names_and_list_scopes_are_unique_per_week(tmp_path):
    folder = course.generate(2, tmp_path / "a", bench.BY_NAME[bench.SITE])
    names = re.findall(r"^:name: (\S+)$", "\n".join(p.read_text() for p in folder.rglob("*.md")), re.M)
    assert len(names) == len(set(names)) == 2 * sum(REAL_CARDS.values())
    assert ":from: week02/" in (folder / "week02" / "workbook.md").read_text()


def test_the_site_variants_load_what_conf_py_loads(tmp_path):
    shipped = runpy.run_path(str(REPO / "conf.py"))["extensions"]
    for name in (bench.SITE, bench.NO_EBOOK, bench.NO_SPEED_UP):
        folder = course.generate(1, tmp_path / name, bench.BY_NAME[name])
        assert conf_extensions(folder) == shipped
        # The settings the site's extensions read are the shipped conf.py's.
        assert "course_cards_notes = True" in (folder / "conf.py").read_text()


def test_the_plain_variant_loads_no_project_extension(tmp_path):
    folder = course.generate(1, tmp_path / "plain", bench.BY_NAME[bench.PLAIN])
    assert str(REPO / "_ext") not in (folder / "conf.py").read_text()
    loaded = loaded_extensions(folder)
    assert {"myst_parser", "sphinx_design"} <= loaded
    assert not {name for name in loaded if name.split(".")[0] in PROJECT_MODULES}


def test_variant_names_are_unique_and_documented():
    names = [variant.name for variant in bench.VARIANTS] + [bench.PEER]
    assert len(names) == len(set(names))
    readme = (REPO / "README.md").read_text()
    for name in names:
        assert f"``{name}``" in bench.__doc__, name
        assert f"`{name}`" in readme, name


def test_the_mkdocs_course_lists_every_page_in_its_navigation(tmp_path):
    folder = course.mkdocs_course(2, tmp_path / "mkdocs")
    config = yaml.safe_load((folder / "mkdocs.yml").read_text())
    written = sorted(str(p.relative_to(folder / "docs")) for p in (folder / "docs").rglob("*.md"))
    listed = course.nav_pages(config["nav"])
    assert sorted(listed) == written and len(listed) == len(set(listed))
    assert len(written) == 1 + 2 * len(list((REPO / "week7").glob("*.md")))
    assert config["theme"] == {"name": "material", "font": False} and config["plugins"] == ["search"]


def test_the_mkdocs_course_builds_strict_offline_and_asks_no_other_host(tmp_path, monkeypatch):
    folder = course.mkdocs_course(1, tmp_path / "mkdocs")
    # Anything fetched through a proxy-aware client would fail here.
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")
    out = tmp_path / "site"
    bench.mkdocs_build(folder, out)
    pages = list(out.rglob("*.html"))
    assert len(pages) >= len(course.nav_pages(yaml.safe_load((folder / "mkdocs.yml").read_text())["nav"]))
    loads = [
        (tag, url)
        for page in pages
        for soup in [BeautifulSoup(page.read_text(), "html.parser")]
        for tag, attr in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("source", "src"),
            ("iframe", "src"),
        )
        for element in soup.find_all(tag)
        if (url := element.get(attr)) and (tag != "link" or not {"canonical"} & set(element.get("rel", [])))
    ]
    assert loads and not [(tag, url) for tag, url in loads if re.match(r"(https?:)?//", url)]
    styles = "".join(
        style.get_text()
        for page in pages
        for style in BeautifulSoup(page.read_text(), "html.parser").find_all("style")
    )
    assert "url(http" not in styles and "@import" not in styles
    assert (out / "search" / "search_index.json").is_file()
    section = BeautifulSoup(
        (out / "week01" / "03-connection-and-compliance" / "index.html").read_text(), "html.parser"
    )
    notes = section.select(".admonition.note")
    assert [n.select_one(".admonition-title").get_text() for n in notes] == [
        "An echo and a conversation",
        "Reflection",
    ]
    assert "truly" not in section.get_text() and "your voice feels welcome" in notes[1].get_text()


def test_a_one_week_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "bench"
    # The live preview's reload is measured by `make bench-check`, which installs sphinx-autobuild.
    assert bench.main(["--sizes", "1", "--runs", "1", "--no-live", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert [s["weeks"] for s in results["full"]] == [1]
    names = {variant.name for variant in bench.VARIANTS} | {bench.PEER}
    assert set(results["full"][0]["median_seconds"]) == set(results["full"][0]["median_cpu_seconds"]) == names
    assert all(cpu > 0 for cpu in results["full"][0]["median_cpu_seconds"].values())
    assert all(peak > 50 for peak in results["full"][0]["peak_mib"].values())
    assert 0 < results["content_security"]["share"] < 1
    assert "week01/03-connection-and-compliance" in results["incremental"][0]["written"]
    assert results["retitle"]["weeks"] == 1 and len(results["retitle"]["written"]) > 10
    assert results["weight"]["extension_gzip"] > 0
    assert results["peer_edit"][0]["weeks"] == 1 and results["peer_edit"][0]["cpu_seconds"] > 0
    assert [row["weeks"] for row in results["beside_peer"]["rows"]] == [1]
    # Goals at 13 and 52 weeks: not measured here, so reported as such, and not failing.
    assert results["beside_peer"]["goals"]["clean_52"]["ratio"] is None
    report = (out / "results.md").read_text()
    assert "| 1 |" in report and "not measured at this size" in report


def test_the_pipeline_targets_are_checked():
    one, year = (
        {"weeks": w, "ratio_site_admonitions": 1.2, "ebook_share": 0.1, "median_seconds": {bench.SITE: 10.0}}
        for w in (1, 52)
    )
    edits = [{"weeks": w, "seconds": 1.0, "written": [bench.EDITED_PAGE]} for w in (1, 52)]
    results = {"full": [one, year], "incremental": edits, "retitle": {"weeks": 52, "seconds": 4.0}}
    assert bench.check_pipeline({**results, "live_reload": {"seconds": 2.0}}) == []
    slow = {**results, "live_reload": {"seconds": 2.6}, "retitle": {"weeks": 52, "seconds": 6.0}}
    year["ebook_share"] = 0.2
    assert [failure.split(" (target")[0] for failure in bench.check_pipeline(slow)] == [
        "the e-books are 20.0% of a 52-week build",
        "live preview shows an edit after 2.60 s",
        "a retitle at 52 weeks takes 6.00 s against a clean build's 10.00 s",
    ]
