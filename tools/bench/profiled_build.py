"""sphinx-build for the benchmark's profile of the real site, with every theme template
compiled as the builder starts: Jinja compiles a template once per build, for whoever
renders it first, and the profile should not charge that to the first renderer.

Run under cProfile; the compiling is in ``compile_every_template``, so the benchmark can
leave it out of the build's total."""

from __future__ import annotations

import sys

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.cmd.build import main

init_templates = StandaloneHTMLBuilder.init_templates


def compile_every_template(builder: StandaloneHTMLBuilder) -> None:
    init_templates(builder)
    environment = builder.templates.environment  # type: ignore[attr-defined]
    names = sorted({name for loader in builder.templates.loaders for name in loader.list_templates()})  # type: ignore[attr-defined]
    for name in names:
        if name.endswith(".html"):
            environment.get_template(name)
            environment.get_template(
                "!" + name
            )  # Sphinx's name for the theme's own, when a project extends it


StandaloneHTMLBuilder.init_templates = compile_every_template  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
