extensions = ["course_cards"]
project = "Writers"
exclude_patterns = ["_build"]
man_pages = [("index", "writers", "Writers", ["Course team"], 7)]
texinfo_documents = [("index", "writers", "Writers", "Course team", "writers", "Cards.", "Misc")]
latex_documents = [("index", "writers.tex", "Writers", "Course team", "manual")]
