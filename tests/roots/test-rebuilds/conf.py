# Two small weeks rebuilt after edits to what is not a page, for tests/test_rebuilds.py.
project = "Tiny Rebuilds"
author = "The tiny course team"
copyright = "2026, the tiny course team"
language = "en"
extensions = ["myst_parser", "course_cards", "course_site.week_ebooks", "course_site.incremental"]
myst_enable_extensions = ["colon_fence"]
week_ebooks = True
exclude_patterns = ["_build"]
html_static_path = ["_static"]
html_css_files = ["extra.css"]
locale_dirs = ["locales"]
