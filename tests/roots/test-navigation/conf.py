# Every kind of toctree Furo's navigation has to show, for tests/test_speedups.py.
project = "Navigation & <edges>"
extensions = ["build_speedups", "course_site.incremental"]
html_theme = "furo"
# A title's straight quotes reach Furo's aria-label, where BeautifulSoup quotes differently.
smartquotes = False
