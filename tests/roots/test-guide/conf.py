extensions = ["myst_parser", "sphinx_design", "reader_guide"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
