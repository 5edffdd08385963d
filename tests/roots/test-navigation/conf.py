# Every kind of toctree Furo's navigation has to show, for tests/test_fast_navigation.py.
project = "Navigation & <edges>"
extensions = ["course_site.fast_navigation"]
html_theme = "furo"
# A title's straight quotes reach Furo's aria-label, where BeautifulSoup quotes differently.
smartquotes = False
