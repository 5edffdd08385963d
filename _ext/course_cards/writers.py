"""Translator handlers for the formats cards are styled in: html, latex, text, man,
texinfo. Every other writer falls back to its admonition and title handlers.

What differs between the builders of one format is decided here alone: an e-book (the
``epub`` builders) is HTML read where no script runs and nothing is kept, so its cards
stand open, it has no notes and no reading progress. The rest of the package asks
``with_notes`` and never which builder runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation

from .collection import backup_page, builder_cache, card_domain
from .nodes import KINDS, card_title

_ = get_translation("course_cards")

# The workbook's download, which every notes box's reminder links to.
BACKUP_ID = "course-notes-backup"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator
    from sphinx.writers.manpage import ManualPageTranslator
    from sphinx.writers.texinfo import TexinfoTranslator
    from sphinx.writers.text import TextTranslator

    from .nodes import course_card, notes_tools, reading_progress


def for_e_readers(builder: Builder) -> bool:
    """Whether the output is an e-book: no script runs, nothing is kept, nothing opens."""
    return builder.name.startswith("epub")


def backup_id(builder: Builder, docname: str) -> str:
    """The id of a workbook's download: one per page, and one per workbook where pages
    share an output file (singlehtml), whose addresses already carry a fragment."""
    if "#" in builder.get_target_uri(docname):
        return f"{BACKUP_ID}-{nodes.make_id(docname)}"
    return BACKUP_ID


def with_notes(app: Sphinx) -> bool:
    """Whether pages get readers' notes (the boxes' scripts, reading progress): where the
    project asks for them and the output keeps them."""
    return app.config.course_cards_notes and not for_e_readers(app.builder)


# html: a header row (icon, kind label, title) above the body, named by the header
# for assistive technology; the title is a paragraph so the page outline stays intact.
# A collapsible card is a <details> whose <summary> is that header: no script needed.


def visit_card_html(self: HTML5Translator, node: course_card) -> None:
    card_id = node["ids"][0]
    labelled_by = f"{card_id}-kind" + (f" {card_id}-title" if node.title else "")
    attributes = {"aria-labelledby": labelled_by}
    if node.get("notes"):
        attributes["data-notes"] = node.note_key
        legacy, formerly = card_domain(self.builder.env).claims_of(node.note_key)
        attributes["data-notes-legacy"] = legacy
        if formerly:
            attributes["data-notes-formerly"] = " ".join(formerly)
        here = self.builder.current_docname
        privacy = self.config.course_cards_privacy_page
        if privacy:
            attributes["data-privacy"] = self.builder.get_relative_uri(here, privacy)
        page = node.note_key.split("#")[0]
        backup = backup_page(self.builder, page)
        if backup:
            page_uri = self.builder.get_relative_uri(here, backup).split("#")[0]
            attributes["data-backup"] = f"{page_uri}#{backup_id(self.builder, backup)}"
        part = builder_cache(self.builder).parts.get(page)
        if part:
            attributes["data-notes-part"] = part
    if node.collapsible:
        # E-readers have no way to open a closed card; the e-book shows it open.
        if node.starts_open or for_e_readers(self.builder):
            attributes["open"] = "open"
        self.body.append(self.starttag(node, "details", "", **attributes))
        self.body.append(self.starttag({}, "summary", "", CLASS="course-card-header"))
    else:
        self.body.append(self.starttag(node, "div", "", role="note", **attributes))
        self.body.append(self.starttag({}, "div", "", CLASS="course-card-header"))
    self.body.append(self.starttag({}, "span", "", CLASS="course-card-icon", **{"aria-hidden": "true"}))
    self.body.append("</span>")
    self.body.append(self.starttag({"ids": [f"{card_id}-kind"]}, "span", "", CLASS="course-card-kind"))
    # The line break keeps label and title two words in any text taken from the page.
    self.body.append(f"{self.encode(node.label)}</span>\n")
    if not node.title:
        close_header(self, node)


def close_header(self: HTML5Translator, node: course_card) -> None:
    self.body.append(f"</{'summary' if node.collapsible else 'div'}>\n")
    self.body.append(self.starttag({}, "div", CLASS="course-card-body"))


def without_script(self: HTML5Translator, css_class: str, message: str) -> str:
    """Where the notes script would add something: one sentence for a browser that runs no
    scripts (e-readers get none: their books have no notes)."""
    if for_e_readers(self.builder):
        return ""
    return f'<noscript><p class="{css_class}">{self.encode(message)}</p></noscript>\n'


def depart_card_html(self: HTML5Translator, node: course_card) -> None:
    self.body.append("</div>\n")
    if node.get("notes"):
        message = _("Writing notes here needs JavaScript, which is switched off in this browser.")
        self.body.append(without_script(self, "course-notes-nojs", message))
    self.body.append(f"</{'details' if node.collapsible else 'div'}>\n")


def visit_card_title_html(self: HTML5Translator, node: card_title) -> None:
    # A summary holds phrasing content only: there the title is a span.
    tag = "span" if node.parent.collapsible else "p"
    title = {"ids": [f"{node.parent['ids'][0]}-title"]}
    self.body.append(self.starttag(title, tag, "", CLASS="course-card-title"))


def depart_card_title_html(self: HTML5Translator, node: card_title) -> None:
    self.body.append("</span>" if node.parent.collapsible else "</p>")
    close_header(self, node.parent)


# latex: Sphinx's framed admonition box, headed "Kind: Title".


def visit_card_latex(self: LaTeXTranslator, node: course_card) -> None:
    self.body.append(
        f"\n\\begin{{sphinxadmonition}}{{{KINDS[node.kind].latex_box}}}{{"
        + self.hypertarget_to(node)
        + self.encode(node.label)
    )
    self.no_latex_floats += 1
    if not node.title:
        self.body.append("}\n")


def depart_card_latex(self: LaTeXTranslator, node: course_card) -> None:
    self.body.append("\\end{sphinxadmonition}\n")
    self.no_latex_floats -= 1


def visit_card_title_latex(self: LaTeXTranslator, node: card_title) -> None:
    self.body.append(": ")


def depart_card_title_latex(self: LaTeXTranslator, node: card_title) -> None:
    self.body.append("}\n")


# text: a heading line, then the body indented beneath it. The text writer runs an
# admonition's paragraphs together; a card keeps each one apart.


def visit_card_text(self: TextTranslator, node: course_card) -> None:
    self.new_state(0)
    self.add_text(node.heading)
    self.end_state()
    self.new_state(3)
    for child in node.children:
        if isinstance(child, card_title):
            continue
        if isinstance(child, nodes.paragraph):
            self.new_state(0)
            child.walkabout(self)
            self.end_state()
        else:
            child.walkabout(self)
    self.end_state()
    raise nodes.SkipNode


def skip_node(self, node: card_title | notes_tools | reading_progress) -> None:
    raise nodes.SkipNode


# man: a bold heading line, then the body indented beneath it.


def visit_card_man(self: ManualPageTranslator, node: course_card) -> None:
    self.ensure_eol()
    self.body.append(".sp\n" + self.defs["strong"][0] + self.deunicode(node.label))
    if not node.title:
        self.body.append(self.defs["strong"][1] + "\n.RS 4\n")


def depart_card_man(self: ManualPageTranslator, node: course_card) -> None:
    self.ensure_eol()
    self.body.append(".RE\n")


def visit_card_title_man(self: ManualPageTranslator, node: card_title) -> None:
    self.body.append(": ")


def depart_card_title_man(self: ManualPageTranslator, node: card_title) -> None:
    self.body.append(self.defs["strong"][1] + "\n.RS 4\n")


# texinfo: a cartouche around a quotation headed "Kind: Title".


def visit_card_texinfo(self: TexinfoTranslator, node: course_card) -> None:
    self.body.append("\n@cartouche\n@quotation " + self.escape(node.label))
    if not node.title:
        self.body.append("\n")


def depart_card_texinfo(self: TexinfoTranslator, node: course_card) -> None:
    self.ensure_eol()
    self.body.append("@end quotation\n@end cartouche\n")


def visit_card_title_texinfo(self: TexinfoTranslator, node: card_title) -> None:
    self.body.append(": ")


def depart_card_title_texinfo(self: TexinfoTranslator, node: card_title) -> None:
    self.body.append("\n")


def visit_notes_tools_html(self: HTML5Translator, node: notes_tools) -> None:
    """Where the notes script puts its buttons; an e-book keeps no notes, so it has none."""
    if for_e_readers(self.builder):
        raise nodes.SkipNode
    known = json.dumps(node["known"], ensure_ascii=False)
    tools = self.starttag(
        {"ids": [backup_id(self.builder, node["docname"])]},
        "div",
        "",
        CLASS="course-notes-tools",
        hidden="hidden",
        **{"data-known": known},
    )
    message = _(
        "Downloading, bringing back and deleting notes need JavaScript, which is switched off in this browser."
    )
    self.body.append(without_script(self, "course-notes-nojs-tools", message) + f"{tools}</div>\n")
    raise nodes.SkipNode


def visit_reading_progress_html(self: HTML5Translator, node: reading_progress) -> None:
    """The first section's link, which the notes script turns into the first one not yet
    read; e-books have no script and no place to keep progress."""
    if for_e_readers(self.builder) or not node.get("sections"):
        raise nodes.SkipNode
    _doc, href, label = node["sections"][0]
    sections = json.dumps(node["sections"], ensure_ascii=False)
    after = json.dumps(node["after"], ensure_ascii=False)
    self.body.append(
        f'<div class="course-progress" data-sections="{self.attval(sections)}" data-after="{self.attval(after)}">'
        f'<p><a class="course-progress-next" href="{self.attval(href)}">'
        f"{self.encode(str(_('Start with %s')).replace('%s', label))}</a> "
        # Written by the build and shown by the script once a section is read, so that
        # nothing moves when it appears.
        f'<button type="button" class="course-progress-clear">{self.encode(_("Forget which sections I have read"))}'
        "</button></p></div>\n"
    )
    raise nodes.SkipNode


READING_PROGRESS_HANDLERS = {
    "html": (visit_reading_progress_html, None),
    **{fmt: (skip_node, None) for fmt in ("latex", "text", "man", "texinfo")},
}

NOTES_TOOLS_HANDLERS = {
    "html": (visit_notes_tools_html, None),
    **{fmt: (skip_node, None) for fmt in ("latex", "text", "man", "texinfo")},
}

CARD_HANDLERS = {
    "html": (visit_card_html, depart_card_html),
    "latex": (visit_card_latex, depart_card_latex),
    "text": (visit_card_text, None),
    "man": (visit_card_man, depart_card_man),
    "texinfo": (visit_card_texinfo, depart_card_texinfo),
}

TITLE_HANDLERS = {
    "html": (visit_card_title_html, depart_card_title_html),
    "latex": (visit_card_title_latex, depart_card_title_latex),
    "text": (skip_node, None),
    "man": (visit_card_title_man, depart_card_title_man),
    "texinfo": (visit_card_title_texinfo, depart_card_title_texinfo),
}
