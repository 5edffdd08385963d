extensions = ["myst_parser", "sphinx.ext.ifconfig", "course_cards", "course_site.content_security"]
project = "Notes"
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
html_theme = "furo"
course_cards_notes = True
course_cards_privacy_page = "privacy"
course_cards_published_ids = "published-card-ids.txt"
