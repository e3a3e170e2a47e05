"""Feed text made inert in Markdown (hostile-feeds.md row 20).

Every piece of feed text the brief prints passes through `text()`: it is one line (so it can
never start a block: a heading, a list, a table, a code fence), and every character that could
open an inline construct is backslash-escaped — links and images (`[ ]`), raw HTML and
autolinks (`< >`), code spans, emphasis, strikethrough, table cells (`|`), entity references
(`&name;`), and the things GitHub and linkify turn into links by themselves (`https://`,
`www.`, `name@host.tld`, `host.tld`). Characters that only matter at the start of a line
(`#`, `-`, `+`, `1.`) are left alone because feed text never starts one, which keeps the
brief readable as plain text. Links are only ever written by `destination()`: http(s) only,
inside `<…>`, with the characters that could close or break it percent-encoded.
"""

from __future__ import annotations

import re

from ..text import one_line, safe_url, strip_controls

# One pass over the text (so nothing is escaped twice); each alternative is a way in.
_ESCAPE = re.compile(
    r"""
    (?P<scheme>(?i:javascript|vbscript|livescript|mailto|data|file|tel)):  # javascript:, mailto: ...
  | :(?=/)                                     # https://, and any other scheme://
  | (?<=[wW]{3})\.                            # www.example (GitHub's own autolinks)
  | \.(?=[^\W\d_]{2,})                          # evil.com, news.am (linkify's fuzzy links)
  | &(?=\#?[0-9A-Za-z]+;)                      # entity references: &lt; &#106;
  | (?<=[\w.+-])@(?=[\w-]+\.)                  # name@host.tld
  | [\\`*_\[\]<>|~]                            # code, emphasis, links, HTML, tables, strikethrough
    """,
    re.VERBOSE,
)
_HEADING_HASH = re.compile(r"#")
_URL_UNSAFE = {"<": "%3C", ">": "%3E", " ": "%20", "\\": "%5C", '"': "%22", "`": "%60"}


def text(value: str | None) -> str:
    """Feed text as one line of inert Markdown that reads the same as plain text."""
    if not value:
        return ""
    return _ESCAPE.sub(_escape, one_line(strip_controls(value)))


def _escape(m: re.Match[str]) -> str:
    if m.group("scheme"):
        return m.group("scheme") + "\\:"
    return "\\" + m.group(0)


def heading(value: str) -> str:
    """Text for inside a heading, where a trailing `#` would be eaten as a closing sequence."""
    return _HEADING_HASH.sub(r"\\#", text(value))


def destination(url: str | None) -> str | None:
    """A link destination written as `<…>`, or None when the URL is not a safe http(s) URL."""
    url = safe_url(url)
    if url is None:
        return None
    url = "".join(_URL_UNSAFE.get(ch, ch) if ch.isascii() and ch.isprintable() else _encode(ch) for ch in url)
    return f"<{url}>"


def _encode(ch: str) -> str:
    if ch.isspace() or not ch.isprintable():
        return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
    return ch  # an IRI's letters (Армения) stay readable; renderers encode them
