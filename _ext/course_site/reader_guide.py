"""reader_guide: what every course page tells its reader, in every format the page is
read in (web, print, e-book): where they are, and where the note of care is.

- Each section page says "Section N of M" under its title, with the week's name linked,
  counted from the week's toctree when the page is resolved (never written by hand).
- Each course page ends with a short care line. It links the note of care where the
  build has a target with the label ``reader_guide_care_label``; that pointer is marked
  ``course-web-only``, so an e-book of one week, which does not hold the note, shows the
  line without it.

Both are placeholders put in while reading and filled in by a post-transform, so builders
that join pages into one document (singlehtml, LaTeX) fill them in too."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from course_site import structure

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

CARE = (
    "This course is not therapy. If you are in crisis or feel unsafe, please contact your "
    "local emergency services straight away. "
)
CARE_LINK = "A note of care"
CARE_MORE = " says more."


# This build's places, found once all pages are read, for every page written after.
PLACES: WeakKeyDictionary[BuildEnvironment, dict[str, tuple[int, int, str, str]]] = WeakKeyDictionary()


def places(env: BuildEnvironment) -> dict[str, tuple[int, int, str, str]]:
    """Each section page's place: (N, M, the week's page, the week's title)."""
    found: dict[str, tuple[int, int, str, str]] = {}
    for week in structure.from_env(env).weeks:
        title = env.titles[week.index].astext() if week.index in env.titles else week.title
        for number, docname in enumerate(week.sections, start=1):
            found[docname] = (number, len(week.sections), week.index, title)
    return found


def add_placeholders(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.current_document.docname
    # The layout is known once every page is read; a week's pages are known by their folder.
    if not structure.WEEK_FOLDER.fullmatch(docname.partition("/")[0]) or "/" not in docname:
        return
    page = doctree.next_node(nodes.section)
    if page is None:
        return
    title = page.next_node(nodes.title)
    place = nodes.paragraph("", "", classes=["course-place"], course_place=docname)
    page.insert(page.index(title) + 1 if title is not None else 0, place)
    page.append(
        nodes.container(
            "",
            nodes.paragraph("", "", course_care=True),
            classes=["course-care-line", "course-care-reminder"],
        )
    )


class FillPlaceholders(SphinxPostTransform):
    """Writes the section's place and the care line; before references are resolved, so
    the links they hold are resolved like any other."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        known = PLACES[self.env] if self.env in PLACES else places(self.env)
        care_target = self.config.reader_guide_care_label
        has_care_note = care_target in self.env.domains.standard_domain.labels
        for place in list(self.document.findall(nodes.paragraph)):
            if "course_place" in place:
                self.fill_place(place, known.get(place["course_place"]))
            elif place.get("course_care"):
                place += nodes.Text(CARE.rstrip())
                if has_care_note:
                    # An e-book of one week does not hold the note: there the pointer to it
                    # is left unsaid (site.css shows it on the website only).
                    more = nodes.inline("", " ", classes=["course-web-only"])
                    more += link("std", "ref", care_target, CARE_LINK)
                    more += nodes.Text(CARE_MORE)
                    place += more

    def fill_place(self, place: nodes.paragraph, where: tuple | None) -> None:
        if where is None:
            place.parent.remove(place)
            return
        number, total, week, title = where
        place += nodes.Text(f"Section {number} of {total} · ")
        place += link("std", "doc", "/" + week, title)


def link(domain: str, kind: str, target: str, text: str) -> addnodes.pending_xref:
    xref = addnodes.pending_xref(
        "", refdomain=domain, reftype=kind, reftarget=target, refexplicit=True, refwarn=True
    )
    xref += nodes.inline(text, text)
    return xref


def places_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Sections whose place changed (a reordered toctree, a renamed week) are written again,
    though their own source did not change."""
    now = PLACES[env] = places(env)
    before = getattr(env, "reader_guide_places", {})
    env.reader_guide_places = now
    return sorted(
        d for d in now.keys() | before.keys() if now.get(d) != before.get(d) and d in env.found_docs
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_site.shape")
    app.add_config_value("reader_guide_care_label", "a-note-of-care", "env", types=frozenset({str}))
    # After course_site.shape has checked the page as its author wrote it.
    app.connect("doctree-read", add_placeholders, priority=900)
    app.connect("env-get-updated", places_changed)
    app.add_post_transform(FillPlaceholders)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
