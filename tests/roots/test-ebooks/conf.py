# Two small weeks as e-books, for tests/test_epub.py.
project = "Tiny Course"
author = "The tiny course team"
copyright = "2026, the tiny course team"
language = "en"
extensions = ["myst_parser", "sphinx_design", "course_cards", "course_site.week_ebooks"]
myst_enable_extensions = ["colon_fence"]
week_ebooks = True
course_cards_notes = True
exclude_patterns = ["_build"]
