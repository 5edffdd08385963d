extensions = ["myst_parser", "course_cards"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
course_cards_notes = True
html_theme = "furo"
project = "Cards in any theme"
