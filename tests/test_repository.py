"""The contributor tooling is wired up: workflows, previews, hooks and guide."""

from __future__ import annotations

import re
import subprocess

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
    assert re.search(r"make -s cards-diff BASE=.+ >> \"\$GITHUB_STEP_SUMMARY\"", run), (
        "make -s: no command echo"
    )
    uploads = [
        s for s in ci["jobs"]["test"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"


def test_main_deploys_to_github_pages_only_after_ci_passed_on_that_commit():
    pages = load(".github/workflows/pages.yml")
    trigger = pages[True] if True in pages else pages["on"]
    assert set(trigger) == {"workflow_run"}
    assert trigger["workflow_run"]["workflows"] == ["CI"] and trigger["workflow_run"]["branches"] == ["main"]
    build = pages["jobs"]["build"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}", (
        "publish the commit CI tested"
    )
    assert "make html" in commands(pages)
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in pages["jobs"]["deploy"]["steps"])
    assert pages["jobs"]["deploy"]["needs"] == "build"


WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (
                    f"{workflow.name}: {line.strip()}"
                )


def test_every_job_has_the_least_permissions_it_needs():
    allowed = {"contents": "read", "pages": "write", "id-token": "write"}
    for workflow in WORKFLOWS:
        data = yaml.safe_load(workflow.read_text())
        assert data.get("permissions") in ({}, {"contents": "read"}), f"{workflow.name}: workflow default"
        for name, job in data["jobs"].items():
            permissions = job.get("permissions")
            assert permissions is not None, f"{workflow.name}: job {name} states its permissions"
            assert all(allowed.get(scope) == level for scope, level in permissions.items()), (
                workflow.name,
                name,
            )
            writes = {scope for scope, level in permissions.items() if level == "write"}
            assert not writes or name == "deploy", f"{workflow.name}: only the deploy job writes"


def test_weekly_link_check():
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


def commands_of(target: str) -> list[str]:
    """What `make <target>` would run, every prerequisite included, as make itself plans
    it (a dry run, as if nothing were built yet): one line per command."""
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.strip() for line in planned.stdout.replace("\\\n", " ").splitlines()]


def test_make_check_runs_the_strict_build_and_every_hook_and_make_test_runs_check():
    check = commands_of("check")
    strict = [line for line in check if "sphinx-build -W -n" in line]
    assert strict and " -b html " in strict[0], check
    assert check.index(strict[0]) < check.index(".venv/bin/pre-commit run --all-files"), check
    test = commands_of("test")
    assert test[: len(check)] == check and any("-m pytest" in line for line in test[len(check) :]), test
    lint = commands_of("lint")
    assert any("ruff check" in line for line in lint) and any("ruff format --check" in line for line in lint)
    assert any("codespell" in line for line in commands_of("spelling"))
    hooks = {hook["id"]: hook for repo in load(".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    assert "ruff check" in hooks["ruff-check"]["entry"] and "--check" in hooks["ruff-format"]["entry"]


def test_pre_commit_passes_on_the_repository_as_it_is():
    """The hooks run from the project's virtualenv, so they need no download."""
    import subprocess

    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "pre-commit"), "run", "--all-files"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_contributing_guide_links_the_authoring_page_and_explains_ids():
    guide = (REPO / "CONTRIBUTING.md").read_text()
    assert "contributing/authoring.md" in guide
    assert "published-card-ids.txt" in guide and ":formerly:" in guide
    for step in ("make livehtml", "make test", "make cards-diff"):
        assert step in guide
    assert (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()
    templates = {p.name for p in (REPO / ".github" / "ISSUE_TEMPLATE").iterdir()}
    assert templates == {"content-suggestion.md", "bug.md"}


def test_readme_and_architecture_name_every_module_of_the_site_package():
    site = REPO / "_ext" / "course_site"
    modules = sorted(f"{path.stem}.py" for path in site.glob("*.py") if path.stem != "__init__")
    packages = sorted(f"{path.parent.name}/" for path in site.glob("*/__init__.py"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert modules and packages
    for module in modules + packages:
        assert f"`_ext/course_site/{module}`" in readme, f"README's layout table: add {module}"
        assert f"`{module}`" in architecture, f"ARCHITECTURE.md: say what {module} is for"


def test_plain_make_lists_every_target_one_line_each():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)[1].split()
    shown = subprocess.run(
        ["make", "--no-print-directory"], cwd=REPO, capture_output=True, text=True, check=True
    )
    listed = [line.split()[1] for line in shown.stdout.splitlines()]
    assert sorted(listed) == sorted(phony), "make help lists each .PHONY target once"


def test_pytest_options_pass_through_make_test():
    test = commands_of("test")
    assert any(line.endswith("-m pytest") for line in test), "no options unless given"
    given = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "test", "PYTEST_ARGS=-k cards -x"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert given.stdout.splitlines()[-1].endswith("-m pytest -k cards -x")
