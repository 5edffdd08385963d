"""The benchmark's generator and conversions stay honest as the content changes, and a
one-week run works end to end. Nothing here is timed."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import COURSE, REPO, sphinx_build

sys.path.insert(0, str(REPO / "tools" / "bench"))
import bench  # noqa: E402
import course  # noqa: E402

REAL_CARDS = {
    "metaphor": sum(p.read_text().count(":::{metaphor}") for p in (REPO / "week7").glob("*.md")),
    "reflection": sum(p.read_text().count(":::{reflection}") for p in (REPO / "week7").glob("*.md")),
}


@pytest.mark.parametrize("variant", course.VARIANTS)
def test_every_variant_keeps_every_card_of_every_week(tmp_path, variant):
    folder = course.generate(3, tmp_path / variant, variant)
    # One of each per section: the count above reads the pages the benchmark copies.
    sections = len(COURSE.week("week7").sections)
    assert REAL_CARDS == {"metaphor": sections, "reflection": sections}
    assert course.count_cards(folder) == {kind: 3 * n for kind, n in REAL_CARDS.items()}
    assert len(list(folder.glob("week0*/*.md"))) == 3 * len(list((REPO / "week7").glob("*.md")))


def test_admonitions_drop_the_extension_and_its_lists(tmp_path):
    folder = course.generate(1, tmp_path / "b", "admonitions")
    text = "\n".join(p.read_text() for p in folder.rglob("*.md"))
    assert not re.search(r"\{(metaphor|reflection|cardlist)\}", text)
    assert "course_cards" not in (folder / "conf.py").read_text()
    assert (
        ":::{admonition} Two instruments tuning together\n:class: metaphor\n:name: metaphor-tuning-week01"
        in text
    )


def test_exercises_replace_reflections_only(tmp_path):
    folder = course.generate(1, tmp_path / "c", "exercises")
    text = "\n".join(p.read_text() for p in folder.rglob("*.md"))
    assert ":::{exercise}\n:label: reflect-co-regulation-week01" in text
    assert text.count(":::{metaphor}") == REAL_CARDS["metaphor"] and ":::{reflection}" not in text


def test_names_and_list_scopes_are_unique_per_week(tmp_path):
    folder = course.generate(2, tmp_path / "a", "cards")
    names = re.findall(r"^:name: (\S+)$", "\n".join(p.read_text() for p in folder.rglob("*.md")), re.M)
    assert len(names) == len(set(names)) == 2 * sum(REAL_CARDS.values())
    assert ":from: week02/" in (folder / "week02" / "workbook.md").read_text()


@pytest.mark.parametrize("variant", course.VARIANTS)
def test_every_variant_builds_cleanly(tmp_path, variant):
    folder = course.generate(1, tmp_path / variant, variant)
    result = sphinx_build(folder, tmp_path / f"{variant}-html", "html")
    assert result.returncode == 0 and not result.stderr, result.stderr


def test_a_one_week_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "bench"
    # The live preview's reload is measured by `make bench-check`, which installs sphinx-autobuild.
    assert bench.main(["--sizes", "1", "--runs", "1", "--no-live", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert [s["weeks"] for s in results["full"]] == [1]
    assert set(results["full"][0]["median_seconds"]) == {"A", "B", "C", "E", "F"}
    assert all(peak > 50 for peak in results["full"][0]["peak_mib"].values())
    assert 0 < results["content_security"]["share"] < 1
    assert "week01/03-connection-and-compliance" in results["incremental"][0]["written"]
    assert results["retitle"]["weeks"] == 1 and len(results["retitle"]["written"]) > 10
    assert results["weight"]["extension_gzip"] > 0
    assert "| 1 |" in (out / "results.md").read_text()


def test_the_pipeline_targets_are_checked():
    one, year = (
        {"weeks": w, "ratio_A_B": 1.2, "ebook_share": 0.1, "median_seconds": {"A": 10.0}} for w in (1, 52)
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
