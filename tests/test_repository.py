"""The contributor tooling is wired up: workflows, previews, hooks and guide."""

from __future__ import annotations

import re

import yaml

from conftest import REPO


def load(path: str):
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def commands(workflow) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def make_target(name: str) -> str:
    """The recipe and prerequisites of one Makefile target."""
    makefile = (REPO / "Makefile").read_text()
    match = re.search(rf"^{re.escape(name)}:(.*?)(?=^\S|\Z)", makefile, re.M | re.S)
    assert match, f"no make target {name}"
    return match.group(1)


def test_ci_runs_the_whole_suite_and_summarises_changed_cards_on_pull_requests():
    ci = load(".github/workflows/ci.yml")
    assert {"push", "pull_request"} <= set(ci[True] if True in ci else ci["on"])
    run = commands(ci)
    assert "make test" in run and "make browser-deps" in run
    assert re.search(r"make cards-diff BASE=.+ >> \"\$GITHUB_STEP_SUMMARY\"", run)
    uploads = [
        s for s in ci["jobs"]["test"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"


def test_main_deploys_to_github_pages_and_links_are_checked_weekly():
    pages = load(".github/workflows/pages.yml")
    assert "make html" in commands(pages)
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in pages["jobs"]["deploy"]["steps"])
    linkcheck = load(".github/workflows/linkcheck.yml")
    assert "make linkcheck" in commands(linkcheck)
    assert (linkcheck[True] if True in linkcheck else linkcheck["on"])["schedule"]


def test_read_the_docs_previews_are_strict():
    config = load(".readthedocs.yaml")
    assert config["sphinx"]["fail_on_warning"] is True
    assert config["sphinx"]["configuration"] == "conf.py"


def test_pre_commit_runs_fixers_codespell_and_ruff():
    hooks = {hook["id"] for repo in load(".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    assert {"trailing-whitespace", "end-of-file-fixer", "codespell", "ruff-check", "ruff-format"} <= hooks


def test_make_test_enforces_spelling_and_lint():
    assert "lint" in make_target("test") and "spelling" in make_target("test")
    assert "ruff check" in make_target("lint") and "ruff format --check" in make_target("lint")
    assert "codespell" in make_target("spelling")


def test_contributing_guide_links_the_authoring_page_and_explains_ids():
    guide = (REPO / "CONTRIBUTING.md").read_text()
    assert "contributing/authoring.md" in guide
    assert "tests/card-ids.txt" in guide
    for step in ("make livehtml", "make test", "make cards-diff"):
        assert step in guide
    assert (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()
    templates = {p.name for p in (REPO / ".github" / "ISSUE_TEMPLATE").iterdir()}
    assert templates == {"content-suggestion.md", "bug.md"}
