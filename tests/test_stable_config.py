"""course_site.stable_config: an unchanged rebuild says nothing about a changed
configuration, for each application of a process on its own; and the private part of
Sphinx it relies on is still where it was."""

from __future__ import annotations

import pytest
from sphinx.config import Config

CHANGED = "configuration has changed"


def build_twice(make_app, srcdir, outdir, **overrides) -> str:
    """The status of a second, unchanged build."""
    make_app("html", srcdir=srcdir, builddir=outdir, confoverrides=overrides).build()
    again = make_app("html", srcdir=srcdir, builddir=outdir, confoverrides=overrides)
    again.build()
    return again._status.getvalue()


@pytest.mark.sphinx("html", testroot="stable-config", freshenv=True)
def test_an_unchanged_rebuild_reports_no_changed_configuration(app, make_app):
    app.build()
    again = make_app("html", srcdir=app.srcdir, builddir=app.outdir.parent)
    again.build()
    assert CHANGED not in again._status.getvalue()
    assert "0 added, 0 changed, 0 removed" in again._status.getvalue()


def test_without_it_the_theme_makes_every_rebuild_report_a_change(make_app, rootdir, tmp_path):
    """Why the extension exists; when this fails, Sphinx or Furo fixed it and the
    extension (and its private hook) can go."""
    srcdir = tmp_path / "plain"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["sphinx_design"]\nhtml_theme = "furo"\n')
    (srcdir / "index.rst").write_text((rootdir / "test-stable-config" / "index.rst").read_text())
    make_app("html", srcdir=srcdir, builddir=tmp_path / "plain-build").build()
    again = make_app("html", srcdir=srcdir, builddir=tmp_path / "plain-build")
    again.build()
    assert CHANGED in again._status.getvalue()


def test_two_applications_in_one_process_keep_their_own_configuration(make_app, rootdir, tmp_path):
    """Both set up before either builds, as a test session or a build server may do: each
    environment records its own configuration."""
    apps = {}
    for title in ("First", "Second"):
        srcdir = tmp_path / title
        srcdir.mkdir()
        for source in (rootdir / "test-stable-config").iterdir():
            (srcdir / source.name).write_text(source.read_text())
        apps[title] = make_app("html", srcdir=srcdir, confoverrides={"html_title": title})
    for app in apps.values():
        app.build()
    for title, app in apps.items():
        assert app.env.config.html_title == title
        again = make_app("html", srcdir=app.srcdir, confoverrides={"html_title": title})
        again.build()
        assert CHANGED not in again._status.getvalue(), title


def test_sphinx_keeps_registered_values_where_the_extension_takes_them_from():
    """The private hook: Config._options holds every registered value, and a value set
    on the instance lives in its __dict__. If Sphinx moves either, this fails first."""
    config = Config()
    config.add("probe_default", 1, "env", ())
    config.add("probe_set", 1, "env", ())
    config.probe_set = 2
    assert isinstance(config._options, dict)
    assert {"probe_default", "probe_set"} <= config._options.keys()
    assert config.__dict__["probe_set"] == 2
    for name in ("probe_default", "probe_set"):
        config._options.pop(name)
        config.__dict__.pop(name, None)
        assert name not in config
        assert name not in [value.name for value in config]
