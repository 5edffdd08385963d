"""Furo's site navigation, rendered once per build instead of once per page.

Furo puts the whole site's navigation into every page: per page, Sphinx resolves and
renders the global toctree and Furo re-parses that HTML with BeautifulSoup, so a build
grows with the square of its page count. Between two pages that HTML differs only in

- the relative links, which depend only on the folder of the page's URI (and a page's
  links to itself, which are ``#``), and
- the branch that leads to the page: Sphinx's ``current`` class on its ``<ul>``, ``<li>``
  and ``<a>``, Furo's ``checked`` on those ``<li>``\\s' expander checkboxes and
  ``current-page`` on the last of them.

So the tree is resolved once with Sphinx's ``global_toctree_for_doc`` (Furo's arguments),
rendered once by the builder, processed once by Furo's own ``get_navigation_tree``, and cut
into text and slots. Links are filled in once per folder; per page only the page's branch
and its links to itself change. The output is byte-identical to Furo's.

What this relies on, besides the private names in ``upstream``:

- Furo's ``html-page-context`` handler (priority 500) calls ``context["toctree"]`` with
  ``FURO_ARGUMENTS``, passes the HTML through ``furo.navigation.get_navigation_tree`` and
  stores the result as ``furo_navigation_tree``; that function adds ``has-children``, the
  checkbox and ``checked`` to ``<li>``\\s with a ``<ul>`` and ``current-page`` to the last
  ``<li class="current">``.
- ``global_toctree_for_doc`` uses the builder only for ``get_relative_uri`` and marks
  ``current`` from each reference whose target is the page (no anchor) up to the root,
  once per such reference; the HTML writer writes an empty ``href`` as ``#``.
- The tree depends on the page only through those classes and links, unless a toctree
  holds ``only`` directives (filtered per page) or a page sets ``tocdepth`` (pruned per
  page), and unless the builder computes links its own way.

Where any of that may not hold, Furo's own code runs and ``report`` says why (an info
line, not a warning: a new Furo must not break a ``-W`` build). A self-check compares the
first page each process writes with Furo's own result and falls back on any difference;
``build_speedups_check_every_page`` checks every page. ``build_speedups_navigation =
False`` turns it off."""

from __future__ import annotations

import itertools
import os
import posixpath
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EntitySubstitution
from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from . import upstream
from .report import report

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

FURO_ARGUMENTS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
BUILDERS = ("html", "dirhtml")
HREF = "fn" + secrets.token_hex(8)  # stands for a link's address while its tag is written
FOLDERS_KEPT = 64  # every folder of a course of a year (53)


class Unsupported(Exception):
    """Why this build, or this page, gets Furo's own navigation code."""


class LinkRecorder:
    """Stands in for the builder while the tree is resolved (with ``tags`` given, the
    builder is asked for relative links only): each internal link becomes a token naming
    its target, so links can be filled in later for any folder."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.targets: list[str] = []

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        self.targets.append(to)
        return f"{self.token}L{len(self.targets) - 1}L"


@dataclass
class Element:
    """A rendered element that changes on some pages: on a page's branch, a link, or both."""

    key: int
    name: str
    attrs: dict[str, Any]
    classes_before: list[str]  # where Sphinx adds "current"; Furo's classes come after
    classes_after: list[str]
    position: int = -1
    target: str | None = None  # a link's page, its URI, and its anchor
    target_uri: str = ""
    anchor: str = ""
    checkbox: Tag | None = None
    checkbox_position: int = -1
    tags: dict[tuple[bool, bool], tuple[str, str]] = field(default_factory=dict)
    checkboxes: dict[bool, str] = field(default_factory=dict)

    def open_tag(self, soup: BeautifulSoup, current: bool, last: bool, href: str) -> str:
        """The start tag, on the page's branch or not (and its last ``<li>`` or not)."""
        if (current, last) not in self.tags:
            # Sphinx may add "current" twice; the writer writes a class once.
            classes = self.classes_before + ["current"] * current + self.classes_after
            attrs = {**self.attrs, "class": classes + ["current-page"] * last}
            if not attrs["class"]:
                del attrs["class"]
            if self.target is not None:
                attrs["href"] = HREF
            text = str(soup.new_tag(self.name, attrs=attrs)).removesuffix(f"</{self.name}>")
            before, _, after = text.partition(HREF)
            self.tags[current, last] = before, after
        before, after = self.tags[current, last]
        if self.target is None:
            return before
        if '"' in href:  # BeautifulSoup would switch to single quotes
            raise Unsupported(f"a link holds a quotation mark: {href}")
        return before + EntitySubstitution.substitute_xml(href) + after

    def checkbox_tag(self, soup: BeautifulSoup, checked: bool) -> str:
        assert self.checkbox is not None
        if checked not in self.checkboxes:
            attrs = {**self.checkbox.attrs, "checked": ""} if checked else self.checkbox.attrs
            self.checkboxes[checked] = str(soup.new_tag(self.checkbox.name, attrs=attrs))
        return self.checkboxes[checked]


@dataclass
class Folder:
    """The navigation as seen from a folder: every link relative to it, none to itself."""

    text: str
    starts: list[int]  # where each part starts in the text, and where the last ends


class Navigation:
    """The navigation of one build, cut into text and the elements that change."""

    def __init__(self, builder: StandaloneHTMLBuilder) -> None:
        self.token = "fn" + secrets.token_hex(8)  # content cannot forge what it cannot know
        self.soup = BeautifulSoup("", "html.parser")
        self.elements: list[Element] = []
        self.branches: dict[str, set[int]] = {}  # page -> the elements on its branch
        self.links_to: dict[str, list[Element]] = {}  # target URI -> the links to it
        self.links_under: dict[str, list[Element]] = {}  # first segment of a target URI -> links
        self.depths: dict[int, list[str]] = {}  # the parts as seen from a folder this deep
        self.folders: OrderedDict[str, Folder] = OrderedDict()
        self.parts = self.cut(builder)

    def cut(self, builder: StandaloneHTMLBuilder) -> list[str]:
        furo_navigation = upstream.furo_navigation()
        recorder = LinkRecorder(self.token)
        nobody = self.token + "-no-page"
        tree = global_toctree_for_doc(builder.env, nobody, recorder, tags=builder.tags, **FURO_ARGUMENTS)  # type: ignore[arg-type]
        if tree is None:
            return [furo_navigation("")]
        leads_to = self.mark_branches(tree, recorder)
        soup = BeautifulSoup(furo_navigation(builder.render_partial(tree)["fragment"]), "html.parser")
        for tag in soup.find_all(True):
            self.cut_element(tag, leads_to, recorder)
        text = str(soup)
        parts, start = [], 0
        for match in re.finditer(rf"<\w+ {self.token}T(\d+)>|{self.token}B(\d+)", text):
            parts.append(text[start : match.start()])
            element = self.elements[int(match[1] or match[2])]
            if match[1]:
                element.position = len(parts)
                parts.append(element.open_tag(self.soup, False, False, "#"))
            else:
                element.checkbox_position = len(parts)
                parts.append(element.checkbox_tag(self.soup, False))
            start = match.end()
        parts.append(text[start:])
        if self.token in "".join(parts):
            raise Unsupported("a part of the navigation could not be placed")
        for element in self.elements:
            if element.target is not None:
                element.target_uri = builder.get_target_uri(element.target)
                self.links_to.setdefault(element.target_uri, []).append(element)
                self.links_under.setdefault(element.target_uri.partition("/")[0], []).append(element)
        return parts

    def link(self, href: str, recorder: LinkRecorder) -> tuple[str, str] | None:
        """The target page and anchor of a link the recorder made, if it is one."""
        match = re.fullmatch(rf"{self.token}L(\d+)L(.*)", href, re.S)
        return (recorder.targets[int(match[1])], match[2]) if match else None

    def mark_branches(self, tree: nodes.Element, recorder: LinkRecorder) -> dict[str, set[str]]:
        """Gives each node Sphinx would mark ``current`` a class of its own, where Sphinx
        would put ``current``; returns, per class, the pages that mark it."""
        leads_to: dict[int, tuple[str, set[str]]] = {}
        for reference in tree.findall(nodes.reference):
            link = self.link(reference["refuri"], recorder)
            if link is None or link[1]:
                continue
            node: nodes.Element | None = reference
            while node:  # as Sphinx walks a branch, up to the root
                if id(node) not in leads_to:
                    name = f"{self.token}M{len(leads_to)}"
                    node["classes"].append(name)
                    leads_to[id(node)] = name, set()
                leads_to[id(node)][1].add(link[0])
                node = node.parent
        return dict(leads_to.values())

    def cut_element(self, tag: Tag, leads_to: dict[str, set[str]], recorder: LinkRecorder) -> None:
        classes = list(tag.get("class", []))
        marks = [name for name in classes if name in leads_to]
        link = self.link(tag.get("href", ""), recorder) if tag.name == "a" else None
        if not marks and link is None:
            return
        if len(marks) > 1:
            raise Unsupported(f"one <{tag.name}> stands for several toctree nodes")
        index = classes.index(marks[0]) if marks else len(classes)
        key = len(self.elements)
        element = Element(key, tag.name, dict(tag.attrs), classes[:index], classes[index + 1 :])
        self.elements.append(element)
        if link is not None:
            element.target, element.anchor = link
        for page in leads_to[marks[0]] if marks else ():
            self.branches.setdefault(page, set()).add(key)
        if tag.name == "li" and (box := tag.find("input", class_="toctree-checkbox", recursive=False)):
            element.checkbox = box.replace_with(f"{self.token}B{key}")
        tag.attrs = {f"{self.token}T{key}": None}

    def relink(self, parts: list[str], base: str, elements: list[Element]) -> None:
        for element in elements:
            href = relative_uri(base, element.target_uri) + element.anchor
            parts[element.position] = element.open_tag(self.soup, False, False, href)

    def folder(self, builder: StandaloneHTMLBuilder, pagename: str) -> Folder:
        """The links as seen from the page's folder, kept for the next pages there.

        They are made from a page of that folder that does not exist, so none is to itself.
        ``relative_uri`` walks the path segments the two URIs begin with; a link whose
        first segment is not the folder's is written as from any folder that deep."""
        name = posixpath.dirname(builder.get_target_uri(pagename))
        if name in self.folders:
            self.folders.move_to_end(name)
            return self.folders[name]
        depth = name.count("/") + 1 if name else 0
        if depth not in self.depths:
            self.depths[depth] = list(self.parts)
            links = [element for element in self.elements if element.target is not None]
            self.relink(self.depths[depth], posixpath.join(*[self.token] * (depth + 1)), links)
        parts = list(self.depths[depth])
        if name:
            self.relink(
                parts, posixpath.join(name, self.token), self.links_under.get(name.partition("/")[0], [])
            )
        starts = [0, *itertools.accumulate(map(len, parts))]
        text = "".join(parts)
        self.folders[name] = Folder(text, starts)
        if len(self.folders) > FOLDERS_KEPT:
            self.folders.popitem(last=False)
        return self.folders[name]

    def changes(self, builder: StandaloneHTMLBuilder, pagename: str) -> list[tuple[int, str]]:
        """Where the page's navigation differs from its folder's: its branch, and its
        links to itself (``relative_uri`` gives "" for a page's own URI); in order."""
        branch = self.branches.get(pagename, set())
        items = [key for key in branch if self.elements[key].name == "li"]
        last = max(items, key=lambda key: self.elements[key].position, default=None)
        to_itself = {element.key for element in self.links_to.get(builder.get_target_uri(pagename), ())}
        changed = {}
        for key in to_itself | branch:
            element = self.elements[key]
            href = "" if element.target is None else builder.get_relative_uri(pagename, element.target)
            current = key in branch
            changed[element.position] = element.open_tag(
                self.soup, current, key == last, href + element.anchor or "#"
            )
            if element.checkbox is not None:
                changed[element.checkbox_position] = element.checkbox_tag(self.soup, current)
        return sorted(changed.items())

    def page(self, builder: StandaloneHTMLBuilder, pagename: str) -> str:
        folder = self.folder(builder, pagename)
        pieces, end = [], 0
        for position, text in self.changes(builder, pagename):
            pieces += [folder.text[end : folder.starts[position]], text]
            end = folder.starts[position + 1]
        pieces.append(folder.text[end:])
        return "".join(pieces)


@dataclass
class BuildState:
    navigation: Navigation | None = None
    unsupported: str | None = None
    checked_in: set[int] = field(default_factory=set)  # processes whose first page was compared
    pages: dict[str, Callable[..., str]] = field(default_factory=dict)  # the builder's toctree, by page
    fast_pages: int = 0
    told: set[str] = field(default_factory=set)

    def tell(self, message: str, *args: str) -> None:
        """Once per build and process."""
        if message not in self.told:
            self.told.add(message)
            report("navigation", message % args)


STATES: WeakKeyDictionary[Builder, BuildState] = WeakKeyDictionary()


def why_not(app: Sphinx) -> str | None:
    """Why this build cannot use the fast navigation, or None when it can."""
    builder = app.builder
    if builder.name not in BUILDERS:
        return f"the {builder.name} builder"
    if reason := upstream.untested():
        return reason
    if missing := upstream.missing():
        return f"missing upstream: {', '.join(missing)}"
    for method in ("get_relative_uri", upstream.LOCAL_TOCTREE, "render_partial"):
        if getattr(type(builder), method) is not getattr(StandaloneHTMLBuilder, method, None):
            return f"a builder with its own {method}"
    return why_not_tree(app.env)


def why_not_tree(env: BuildEnvironment) -> str | None:
    for docname, toc in env.tocs.items():
        if next(toc.findall(addnodes.only), None) is not None:
            return f"an 'only' directive in the toctree of {docname}"
    for docname in sorted(env.all_docs):
        if "tocdepth" in env.metadata.get(docname, {}):
            return f"'tocdepth' in {docname}"
    return None


def state_for(app: Sphinx) -> BuildState | None:
    """This build's state, with the navigation rendered, or None where Furo renders it."""
    state = STATES.get(app.builder)
    return state if state is not None and state.navigation is not None else None


def render_once(app: Sphinx) -> BuildState:
    """This build's state, with the navigation rendered once."""
    state = STATES[app.builder] = BuildState()
    # Furo's handler runs whenever the theme loaded Furo as an extension.
    if not app.config.build_speedups_navigation or "furo" not in app.extensions:
        return state
    state.unsupported = why_not(app)
    if state.unsupported is None:
        try:
            state.navigation = Navigation(app.builder)  # type: ignore[arg-type]
            logger.verbose(
                "build_speedups: navigation rendered once, %d of its elements change between pages",
                len(state.navigation.elements),
            )
        except Unsupported as reason:
            state.unsupported = str(reason)
    if state.unsupported:
        state.tell("Furo renders the navigation of every page (%s)", state.unsupported)
    return state


def hand_furo_a_placeholder(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before Furo's handler: its call for the whole tree gets a cheap placeholder."""
    state = state_for(app)
    toctree = context.get("toctree")
    if state is None or toctree is None:
        return
    if getattr(toctree, "__qualname__", "") != upstream.BUILDER_TOCTREE:
        state.tell("a page has its own 'toctree' (first: %s); Furo renders its navigation", pagename)
        return
    assert state.navigation is not None
    placeholder = state.navigation.token

    def furo_or_template_toctree(**options: Any) -> str:
        return placeholder if options == FURO_ARGUMENTS else toctree(**options)

    state.pages[pagename] = toctree
    context["toctree"] = furo_or_template_toctree


def fill_navigation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After Furo's handler: the page's navigation in place of the placeholder."""
    from furo.navigation import get_navigation_tree

    state = STATES.get(app.builder)
    if state is None or pagename not in state.pages:
        return
    toctree = context["toctree"] = state.pages.pop(pagename)
    navigation = state.navigation
    if navigation is None or context.get("furo_navigation_tree") != get_navigation_tree(navigation.token):
        return
    fast: str | None = None
    try:
        fast = navigation.page(app.builder, pagename)  # type: ignore[arg-type]
    except Unsupported as reason:
        state.navigation = None
        state.tell("Furo renders the navigation from %s on (%s)", pagename, str(reason))
    if fast is not None and (
        app.config.build_speedups_check_every_page or os.getpid() not in state.checked_in
    ):
        state.checked_in.add(os.getpid())
        if fast != get_navigation_tree(toctree(**FURO_ARGUMENTS)):
            fast, state.navigation = None, None
            state.tell("%s differs from Furo's navigation; Furo renders it from here on", pagename)
    if fast is None:
        fast = get_navigation_tree(toctree(**FURO_ARGUMENTS))
    else:
        state.fast_pages += 1
    context["furo_navigation_tree"] = fast


def render_once_when_complete(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Once the environment is complete (sections numbered), before any page is written."""
    if app.builder.format == "html":
        render_once(app)
    return []


def setup(app: Sphinx) -> None:
    app.add_config_value("build_speedups_navigation", True, "", types=frozenset({bool}))
    app.add_config_value("build_speedups_check_every_page", False, "", types=frozenset({bool}))
    # After Sphinx's own env-get-updated handlers, which number sections and figures.
    app.connect("env-get-updated", render_once_when_complete, priority=910)
    app.connect("html-page-context", hand_furo_a_placeholder, priority=400)
    app.connect("html-page-context", fill_navigation, priority=600)
