"""stable_config: the environment records the configuration as conf.py and config-inited
left it, so an unchanged rebuild says nothing about a changed configuration.

Sphinx compares the configuration with the one pickled in the environment before the
builder starts. Furo and sphinx-design change ``html_css_files`` and ``html_static_path``
when it starts, and Furo, loaded as the theme only then, adds ``pygments_dark_style``; the
pickled copy holds both, so every later build reported "The configuration has changed (3
options …)". This extension hands the pickled environment the configuration as it was
before the builder started and gives the builder its own back before any page is written.
Theme-added settings have no public way out of the pickle: ``Config._options`` is Sphinx's
private registry (Sphinx 9.0)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

AS_CONFIGURED: dict[str, object] = {}
CHANGED_BY_EXTENSIONS: dict[str, object] = {}
ADDED_BY_THE_THEME: dict[str, tuple[object, object]] = {}


def remember(app: Sphinx, config: Config) -> None:
    AS_CONFIGURED.clear()
    AS_CONFIGURED.update(
        {value.name: copy.deepcopy(value.value) for value in config if value.name != "setup"}
    )


def record_as_configured(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading, just before the environment is pickled."""
    CHANGED_BY_EXTENSIONS.clear()
    for name, configured in AS_CONFIGURED.items():
        if name in app.config and app.config[name] != configured:
            CHANGED_BY_EXTENSIONS[name] = app.config[name]
            app.config[name] = copy.deepcopy(configured)
    for value in list(app.config):
        if value.name not in AS_CONFIGURED and value.name != "setup":
            ADDED_BY_THE_THEME[value.name] = (
                app.config._options.pop(value.name),
                app.config.__dict__.pop(value.name, None),
            )


def restore_for_writing(app: Sphinx, builder: Builder) -> None:
    for name, (option, value) in ADDED_BY_THE_THEME.items():
        app.config._options[name] = option
        if value is not None:
            app.config.__dict__[name] = value
    for name, value in CHANGED_BY_EXTENSIONS.items():
        app.config[name] = value
    CHANGED_BY_EXTENSIONS.clear()
    ADDED_BY_THE_THEME.clear()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", remember, priority=1000)
    app.connect("env-updated", record_as_configured, priority=1000)
    app.connect("write-started", restore_for_writing, priority=0)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
