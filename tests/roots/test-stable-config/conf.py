# Furo and sphinx-design change and add settings when the builder starts; for tests/test_stable_config.py.
extensions = ["sphinx_design", "course_site.stable_config"]
html_theme = "furo"
