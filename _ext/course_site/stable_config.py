"""stable_config: the environment records the configuration as conf.py and config-inited
left it, so an unchanged rebuild says nothing about a changed configuration.

Sphinx compares the configuration with the one pickled in the environment before the
builder starts. Furo and sphinx-design change ``html_css_files`` and ``html_static_path``
when it starts, and Furo, loaded as the theme only then, adds ``pygments_dark_style``; the
pickled copy holds both, so every later build reported "The configuration has changed (3
options …)". This extension hands the pickled environment the configuration as it was
before the builder started and gives the builder its own back before any page is written.

One private hook, because Sphinx has no public way to take a registered value out of a
configuration: the theme's added values are taken out of ``Config._options`` (Sphinx's
registry of values, 9.0) and its instance ``__dict__`` for the pickle, and put back for
writing. ``tests/test_stable_config.py`` fails when Sphinx stops keeping them there. The
state lives per application, so two builds in one process do not share it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


@dataclass
class Configurations:
    """One application's configuration as conf.py left it, and what changed since."""

    as_configured: dict[str, object] = field(default_factory=dict)
    changed_by_extensions: dict[str, object] = field(default_factory=dict)
    # name -> (the registered option, the value set on the instance, if any)
    added_by_the_theme: dict[str, tuple[object, object]] = field(default_factory=dict)


STATES: WeakKeyDictionary[Sphinx, Configurations] = WeakKeyDictionary()


def remember(app: Sphinx, config: Config) -> None:
    STATES[app] = Configurations(
        {value.name: copy.deepcopy(value.value) for value in config if value.name != "setup"}
    )


def record_as_configured(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading, just before the environment is pickled."""
    state = STATES[app]
    state.changed_by_extensions.clear()
    for name, configured in state.as_configured.items():
        if name in app.config and app.config[name] != configured:
            state.changed_by_extensions[name] = app.config[name]
            app.config[name] = copy.deepcopy(configured)
    for value in list(app.config):
        if value.name not in state.as_configured and value.name != "setup":
            state.added_by_the_theme[value.name] = (
                app.config._options.pop(value.name),
                app.config.__dict__.pop(value.name, None),
            )


def restore_for_writing(app: Sphinx, builder: Builder) -> None:
    state = STATES[app]
    for name, (option, value) in state.added_by_the_theme.items():
        app.config._options[name] = option
        if value is not None:
            app.config.__dict__[name] = value
    for name, value in state.changed_by_extensions.items():
        app.config[name] = value
    state.changed_by_extensions.clear()
    state.added_by_the_theme.clear()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", remember, priority=1000)
    app.connect("env-updated", record_as_configured, priority=1000)
    app.connect("write-started", restore_for_writing, priority=0)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
