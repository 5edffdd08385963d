extensions = ["myst_parser", "course_site.course_text"]
course_text = {"week1": "reference.txt"}
