"""Guideline Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Raw HTML in the Markdown is allowed through the renderer on purpose (leads may write
<kbd> or <details>) and then cleaned by one allow-list: no scripts, styles, frames, event
handler attributes, or javascript:/data: URLs; every link gets rel="noopener nofollow".

Images load only from Accord itself (same-origin relative URLs and data:image URLs) or from
the hosts the project lists in settings.guideline_image_hosts: an external image would be a
tracking pixel on every annotator's screen. A refused image keeps its alt text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
        "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "abbr": {"title"},
}
# Content of these is dropped entirely, not just the tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript"})
# data: passes the scheme check only so that _attribute_filter can keep data:image sources.
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
LINK_REL = "noopener nofollow"


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def image_source_allowed(src: str, hosts: Iterable[str] = ()) -> bool:
    """True for a same-origin relative URL, a data:image URL, or an http(s) URL on `hosts`."""
    # Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil" is "//evil".
    url = "".join(ch for ch in src.strip() if ch not in "\t\n\r").replace("\\", "/")
    if url.lower().startswith("data:"):
        return url.lower().startswith("data:image/")
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return True
    allowed = {host.lower() for host in hosts}
    return parts.scheme in {"http", "https"} and (parts.hostname or "") in allowed


def _attribute_filter(hosts: frozenset[str]) -> Callable[[str, str, str], str | None]:
    """nh3's per-attribute callback: None drops the attribute."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if image_source_allowed(value, hosts) else None
        if attribute == "href" and value.strip().lower().startswith("data:"):
            return None
        return value

    return keep


def sanitize_html(html: str, *, image_hosts: Iterable[str] = ()) -> str:
    """Clean an HTML fragment with the guideline allow-list (safe to mark_safe afterwards)."""
    return nh3.clean(
        html,
        attribute_filter=_attribute_filter(frozenset(image_hosts)),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str, *, image_hosts: Iterable[str] = ()) -> str:
    """Render guideline Markdown to sanitised HTML; an empty text gives an empty string.

    `image_hosts`: host names images may load from besides Accord (the project's
    settings.guideline_image_hosts; see project_image_hosts).
    """
    if not text.strip():
        return ""
    return sanitize_html(_renderer().render(text), image_hosts=image_hosts)


def project_image_hosts(project: object) -> list[str]:
    """The host names a project's guideline images may load from (settings, default none)."""
    settings = getattr(project, "settings", None) or {}
    hosts = settings.get("guideline_image_hosts") if isinstance(settings, dict) else None
    return [str(host) for host in hosts] if isinstance(hosts, list) else []
