"""Raw HTML in content, emitted as parsed: every fragment goes through nh3 (the ammonia
sanitizer, on the html5ever parser) and what ships is its re-serialization, never the
text as written. So no comment, unclosed tag or attribute can reach past its fragment,
whatever a browser would make of the original.

What was dropped or closed is reported by reading the same fragment with a second HTML5
parser (Lexbor, through selectolax): that reading only words the warning; it never decides
what ships.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

# Harmless phrasing elements content may write as raw HTML, and the attributes they may carry.
ALLOWED_ELEMENTS = frozenset(
    {"br", "wbr", "kbd", "abbr", "sup", "sub", "small", "mark", "em", "strong", "span"}
)
ALLOWED_ATTRIBUTES = frozenset({"title", "lang", "dir"})
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript"})
# The elements an HTML parser adds around any fragment.
IMPLIED = frozenset({"html", "head", "body"})

# Text that cannot occur in content: it marks where a fragment ends, and where the text
# between two pieces of inline HTML sits, while the sanitizer reads them together.
NONCE = "cs" + secrets.token_hex(12)
END = NONCE + "end"
TEXT_MARK = re.compile(NONCE + r"t(\d+)x")


def clean(fragment: str) -> str:
    # Imported here: most pages hold no raw HTML, and a build without any need not load it.
    import nh3

    return nh3.clean(
        fragment,
        tags=set(ALLOWED_ELEMENTS),
        attributes={"*": set(ALLOWED_ATTRIBUTES)},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )


def unsafe_url(url: str) -> bool:
    if ":" not in url:
        return False
    # Browsers ignore tabs, newlines and leading spaces in a scheme: "java\tscript:".
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    return ":" in cleaned and cleaned.split(":", 1)[0] in UNSAFE_SCHEMES


@dataclass
class Sanitized:
    html: str
    dropped: list[str]


def sanitize(fragment: str) -> Sanitized:
    """The fragment as it may ship, and a list of what that left out or closed."""
    return Sanitized(clean(fragment), dropped(fragment))


def dropped(fragment: str) -> list[str]:
    # Read as the sanitizer reads it (a fragment in a <div>), and as a document, where
    # attributes written on <html> or <body> land.
    found: list[str] = []
    document = LexborHTMLParser(fragment)
    for tag in IMPLIED:
        element = document.css_first(tag)
        found += [f"{name}= on <{tag}> left out" for name in element.attributes] if element else []
    tree = LexborHTMLParser(fragment, is_fragment=True)
    for node in tree.root.traverse(include_text=True) if tree.root else ():
        tag = node.tag or ""
        if tag == "-comment":
            found.append("an HTML comment left out")
        elif not tag:
            found.append("a markup declaration left out")
        elif tag.startswith("-"):
            continue
        elif tag not in ALLOWED_ELEMENTS:
            found.append(f"<{tag}> left out")
        else:
            for name, value in node.attributes.items():
                if name not in ALLOWED_ATTRIBUTES:
                    found.append(f"{name}= on <{tag}> left out")
                elif value and unsafe_url(value):
                    found.append(f"a {value.split(':')[0].strip()}: URL left out")
    found += unclosed(fragment)
    return list(dict.fromkeys(found))


def unclosed(fragment: str) -> list[str]:
    """What the fragment leaves open at its end: text after it would land inside it."""
    tail = clean(fragment + END)
    if END not in tail:
        return ["an unclosed comment, tag or attribute left out with the rest of its block"]
    closers = re.findall(r"</([a-z0-9]+)>", tail.split(END, 1)[1])
    return [f"an unclosed <{name}> closed at the end of its block" for name in closers]


def sanitize_run(pieces: list[str | int]) -> tuple[list[str | int], list[str]]:
    """Inline HTML with text between its tags, read as one fragment.

    ``pieces`` holds HTML strings and, for each text node in between, its index. Returns
    the same kind of list for what may ship (an index stands where its text stays; a text
    left out, inside a dropped element, no longer appears), and what was dropped."""
    marked = "".join(piece if isinstance(piece, str) else f"{NONCE}t{piece}x" for piece in pieces)
    result = sanitize(marked)
    shipped: list[str | int] = []
    for number, part in enumerate(TEXT_MARK.split(result.html)):
        if number % 2:
            shipped.append(int(part))
        elif part:
            shipped.append(part)
    placeholder = re.compile(re.escape(NONCE) + r"t\d+x")
    return shipped, [placeholder.sub("…", finding) for finding in result.dropped]
