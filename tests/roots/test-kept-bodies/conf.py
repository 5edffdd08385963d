# Pages whose bodies read other pages, numbers, images, maths and an extension's
# constant, for tests/test_kept_bodies.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Kept bodies"
extensions = [
    "course_site.fast_navigation",
    "course_site.once_per_build",
    "course_site.kept_bodies",
    "marker",
]
html_theme = "furo"
numfig = True
mathjax_path = "mathjax/tex-mml-chtml.js"  # a local path: the test pages load nothing
smartquotes = False
