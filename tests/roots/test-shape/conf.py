extensions = ["myst_parser", "sphinx_design", "course_site.shape"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
