extensions = ["myst_parser", "sphinx_design", "course_site.content_security"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
html_theme = "furo"
project = "Hostile content"
