"""The content policy, applied to every doctree as it is read: raw HTML is replaced by its
sanitized form, page metadata and links are limited, and images and downloads must be
inert files of the source folder. Whatever is dropped is a located warning typed
``content_security.<rule>``, which fails the strict build."""

from __future__ import annotations

import functools
import re
import sys
import weakref
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .files import refusal
from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, sanitize, sanitize_run, unsafe_url

logger = logging.getLogger(__name__)

# Page metadata a page's front matter may set (MyST ``html_meta``).
ALLOWED_META = frozenset({"description", "keywords", "author", "robots"})
HOW_TO_FIX = (
    f"Allowed are <{'>, <'.join(sorted(ALLOWED_ELEMENTS))}> with {'=, '.join(sorted(ALLOWED_ATTRIBUTES))}=, "
    "each closed in the same block (CONTRIBUTING: 'What content may contain')"
)


def warn(message: str, rule: str, location) -> None:
    logger.warning(message, location=location, type="content_security", subtype=rule)


def is_html(node: nodes.Node) -> bool:
    return isinstance(node, nodes.raw) and "html" in node.get("format", "").split()


def off_site(url: str) -> bool:
    return url.strip().startswith("//") or "://" in url.split("?", 1)[0]


class ContentPolicy(SphinxTransform):
    """Runs after substitutions and includes are in place, and before the environment's
    collectors read titles, images and downloads, so none of them sees refused content."""

    default_priority = 870

    def apply(self, **kwargs) -> None:
        for parent in {raw.parent for raw in self.document.findall(nodes.raw) if is_html(raw)}:
            self.sanitize_children(parent)
        self.limit_metadata()
        self.limit_links()
        self.limit_files()
        self.limit_layout()

    def sanitize_children(self, parent: nodes.Element) -> None:
        """Each raw HTML block is a fragment of its own; inline HTML is read together with
        the text between its pieces (``<kbd>Ctrl</kbd>``), up to the next other node."""
        run: list[nodes.Node] = []
        for child in [*parent.children, None]:
            if child is not None and (is_html(child) or (isinstance(child, nodes.Text) and run)):
                run.append(child)
                if not isinstance(parent, nodes.TextElement):
                    self.sanitize_run(parent, run)
                    run = []
                continue
            if run:
                self.sanitize_run(parent, run)
                run = []

    def sanitize_run(self, parent: nodes.Element, run: list[nodes.Node]) -> None:
        while isinstance(run[-1], nodes.Text):
            run.pop()
        first = next(node for node in run if is_html(node))
        if len(run) == 1:
            result = sanitize(first.astext())
            shipped = [result.html] if result.html else []
            dropped = result.dropped
        else:
            pieces = [node.astext() if is_html(node) else number for number, node in enumerate(run)]
            shipped, dropped = sanitize_run(pieces)
        if dropped:
            warn(
                f"raw HTML here is not what content may contain: {', '.join(dropped)}. {HOW_TO_FIX}",
                "html",
                first,
            )
        replacement = [
            run[piece]
            if isinstance(piece, int)
            else nodes.raw(piece, piece, format="html", source=first.source, line=first.line)
            for piece in shipped
        ]
        # By identity: equal text nodes compare equal.
        start = next(i for i, child in enumerate(parent.children) if child is run[0])
        del parent[start : start + len(run)]
        parent[start:start] = replacement

    def limit_metadata(self) -> None:
        """Each ``<meta>`` made again from its name and text alone: any other attribute
        (``http-equiv``, ``property``, a forged attribute name) never reaches the head."""
        for meta in list(self.document.findall(nodes.meta)):
            name = str(meta.get("name", "")).lower()
            extra = sorted(set(meta.attributes) - {"name", "content", *nodes.Element.basic_attributes})
            if name in ALLOWED_META and not extra and isinstance(meta.get("content"), str):
                meta.replace_self(nodes.meta("", name=name, content=meta["content"]))
                continue
            key = f"http-equiv={meta['http-equiv']}" if meta.get("http-equiv") else (name or "metadata")
            warn(
                f"page metadata {key!r}{' with ' + ', '.join(extra) if extra else ''} is not allowed; "
                f"page metadata may set only name= and content= for {', '.join(sorted(ALLOWED_META))}",
                "meta",
                meta if meta.line else (self.env.current_document.docname, 1),
            )
            meta.parent.remove(meta)

    def limit_links(self) -> None:
        for reference in list(self.document.findall(nodes.reference)):
            if unsafe_url(reference.get("refuri", "")):
                warn(
                    f"link {reference['refuri']!r} runs code or embeds data; link to a page instead",
                    "url",
                    reference,
                )
                reference.replace_self(nodes.inline("", "", *reference.children))

    def limit_files(self) -> None:
        docname = self.env.current_document.docname
        for image in list(self.document.findall(nodes.image)):
            uri = image["uri"]
            if off_site(uri) or unsafe_url(uri):
                warn(
                    f"image {uri!r} is not a file of this site; put it beside the page and link it from there",
                    "remote",
                    image,
                )
                image.parent.remove(image)
            elif problem := refusal(self.env, uri, docname):
                warn(f"image {uri!r} {problem.message}", problem.rule, image)
                image.parent.remove(image)
        for download in list(self.document.findall(addnodes.download_reference)):
            target = download.get("reftarget", "")
            if off_site(target):
                continue
            if problem := refusal(self.env, target, docname):
                warn(f"download {target!r} {problem.message}", problem.rule, download)
                download.replace_self(nodes.inline("", "", *download.children))

    def limit_layout(self) -> None:
        """Nothing content writes may be laid over what follows it: a class the shipped
        stylesheets position outside the element's own box (a stretched link, a card's
        background overlay, the theme's fixed buttons) is refused, except a card's own
        link, which covers that card only."""
        positioned = positioned_classes(self.env)
        for node in self.document.findall(nodes.Element):
            overlays = set(node.get("classes", ())) & positioned
            if "sd-stretched-link" in overlays and in_card(node):
                overlays.discard("sd-stretched-link")
            if overlays:
                warn(
                    f"{', '.join(sorted(overlays))} would lay this over the text around it (the notes "
                    "box, the care line); content stays inside its own box: leave the option or class out",
                    "layout",
                    node,
                )
                node["classes"] = [name for name in node["classes"] if name not in overlays]


def in_card(node: nodes.Element) -> bool:
    parent = node.parent
    while parent is not None:
        if "sd-card" in parent.get("classes", ()):
            return True
        parent = parent.parent
    return False


def stylesheets(env) -> list[Path]:
    """The stylesheets an HTML build of this project can ship: the theme's, the loaded
    extensions' and the project's static folders'."""
    import sphinx

    packages = {name.split(".")[0] for name in (*env.config.extensions, env.config.html_theme or "")}
    folders = [Path(sphinx.__file__).parent / "themes" / "basic"]
    for package in sorted(packages - {"sphinx", ""}):
        module = sys.modules.get(package)
        if module is not None and getattr(module, "__file__", None):
            folders.append(Path(module.__file__).parent)
    folders += [Path(env.srcdir, folder) for folder in env.config.html_static_path]
    # Stylesheets and Sphinx's stylesheet templates; not their source maps, which only
    # repeat them (and are most of the bytes).
    return sorted(
        {
            css
            for folder in folders
            if folder.is_dir()
            for pattern in ("*.css", "*.css_t")
            for css in folder.rglob(pattern)
        }
    )


@functools.cache
def classes_positioned_in(css_files: tuple[Path, ...]) -> frozenset[str]:
    """Classes whose own box or pseudo-element a stylesheet takes out of the flow
    (absolute, fixed, sticky), less those positioned relative themselves, whose
    pseudo-elements then stay inside them."""
    escaping, contained = set(), set()
    for css in css_files:
        text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            position = re.search(r"position\s*:\s*(absolute|fixed|sticky|relative)", body)
            if not position:
                continue
            for selector in selectors.split(","):
                subject = re.split(r"[\s>+~]+", selector.strip())[-1]
                names = set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", subject))
                (contained if position.group(1) == "relative" and "::" not in subject else escaping).update(
                    names
                )
    return frozenset(escaping - contained)


# Looked up once per build: finding the stylesheets walks every loaded package's folder.
POSITIONED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def positioned_classes(env) -> frozenset[str]:
    if env not in POSITIONED:
        POSITIONED[env] = classes_positioned_in(tuple(stylesheets(env)))
    return POSITIONED[env]
