"""Sphinx configuration for the "Safe Connections" course site."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Safe Connections"
author = "The Safe Connections course team"
copyright = "2026, the Safe Connections course team"
language = "en"
version = release = "Week 7"

# Where the site's sources live; the footer's "Suggest a change" links here.
source_repository = "https://github.com/safe-connections/course/"

extensions = [
    "myst_parser",
    "sphinx_design",
    "course_cards",
    "course_site.structure",
    "course_site.shape",
    "course_site.course_text",
    "course_site.home",
    "course_site.content_security",
    "course_site.site_html",
    "course_site.reader_search",
    "course_site.reader_guide",
    "course_site.week_ebooks",
    "course_site.incremental",
    "build_speedups",
    "course_site.live_warnings",
]

myst_enable_extensions = ["colon_fence"]
# course_shape.orphan says the same and names the index.md to list the page in.
suppress_warnings = ["toc.not_included"]
# The author's words, paragraph by paragraph, that each week's pages keep word for word.
course_text = {"week7": "tests/data/week7-source.txt"}

# Readers may keep private notes under reflection cards, in their own browser only.
course_cards_notes = True
course_cards_privacy_page = "privacy"
# Cards readers may have notes for; the build warns when one disappears without :formerly:.
course_cards_published_ids = "published-card-ids.txt"
# Each week also as an e-book, linked from its landing page.
week_ebooks = True
myst_heading_anchors = 3

root_doc = "index"
# Only the course's own pages are sources; everything else in the repository is not.
include_patterns = ["index.md", "privacy.md", "week*/**", "contributing/**"]
# Folders with no page, which Sphinx would otherwise walk looking for pages on every build:
# the build output (where make debian12-check keeps a whole Debian root), the virtualenv
# and other dot-folders, the tools' npm packages, the tests.
exclude_patterns = ["_build", ".*", "tools", "tests"]

html_theme = "furo"
html_title = "Safe Connections"
html_favicon = "_static/favicon.svg"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_copy_source = False
html_use_index = False  # the course has no index entries; an empty index page helps nobody
html_show_sourcelink = False
html_theme_options = {
    "source_repository": source_repository,
    "source_branch": "main",
    "source_directory": "",
    # Readers get no source buttons: the pencil looked like the notes' pencil.
    "top_of_page_buttons": [],
}

latex_documents = [
    ("index", "safe-connections.tex", "Safe Connections", author, "manual"),
]
man_pages = [("index", "safe-connections", "Safe Connections", [author], 7)]
texinfo_documents = [
    (
        "index",
        "safe-connections",
        "Safe Connections",
        author,
        "safe-connections",
        "Week 7 of a self-help course about safe connections.",
        "Miscellaneous",
    ),
]
epub_show_urls = "no"

html_css_files = ["site.css"]
