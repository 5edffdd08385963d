"""The content policy, applied to every doctree as it is read: raw HTML is replaced by its
sanitized form, page metadata and links are limited, and images and downloads must be
inert files of the source folder. Whatever is dropped is a located warning typed
``content_security.<rule>``, which fails the strict build."""

from __future__ import annotations

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
        for meta in list(self.document.findall(nodes.meta)):
            name = meta.get("name", "").lower()
            if name not in ALLOWED_META:
                key = f"http-equiv={meta['http-equiv']}" if meta.get("http-equiv") else (name or "metadata")
                warn(
                    f"page metadata {key!r} is not allowed; front matter html_meta may set "
                    f"{', '.join(sorted(ALLOWED_META))}",
                    "meta",
                    (self.env.current_document.docname, 1),
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
