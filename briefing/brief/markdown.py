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

# One pass over the text (so nothing is escaped twice). The regex only finds the characters
# that can open something; `_escape` looks at their neighbours:
#   \ ` * _ [ ] < > | ~   always: code, emphasis, links, raw HTML and autolinks, tables, strikethrough
#   :   after javascript, mailto, data … or before "/" (https://): links however a renderer finds them
#   .   after www (GitHub's autolinks) or before two letters (evil.com, news.am: linkify's fuzzy links)
#   &   before an entity reference (&lt; &#106;)
#   @   inside name@host.tld (email autolinks)
_SPECIAL = re.compile(r"[:.&@\\`*_\[\]<>|~]")
_SCHEMES = ("javascript", "vbscript", "livescript", "mailto", "data", "file", "tel")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
_ENTITY = re.compile(r"#?[0-9A-Za-z]+;")
_EMAIL_HOST = re.compile(r"[\w-]+\.")
_HEADING_HASH = re.compile(r"#")
_PLAIN_HTTP = re.compile(r"(?i)https?://[a-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?\Z")
_URL_UNSAFE = {"<": "%3C", ">": "%3E", " ": "%20", "\\": "%5C", '"': "%22", "`": "%60"}
_URL_TABLE = str.maketrans(_URL_UNSAFE)


def text(value: str | None) -> str:
    """Feed text as one line of inert Markdown that reads the same as plain text."""
    if not value:
        return ""
    return _SPECIAL.sub(_escape, one_line(strip_controls(value)))


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    s, i = m.string, m.start()
    if ch == ":":
        if s.startswith("/", i + 1) or s[max(0, i - 10) : i].lower().endswith(_SCHEMES):
            return "\\:"
    elif ch == ".":
        if s[max(0, i - 3) : i].lower() == "www" or _TWO_LETTERS.match(s, i + 1):
            return "\\."
    elif ch == "&":
        if _ENTITY.match(s, i + 1):
            return "\\&"
    elif ch == "@":
        if i and (s[i - 1].isalnum() or s[i - 1] in "_.+-") and _EMAIL_HOST.match(s, i + 1):
            return "\\@"
    else:
        return "\\" + ch
    return ch


def heading(value: str) -> str:
    """Text for inside a heading, where a trailing `#` would be eaten as a closing sequence."""
    return _HEADING_HASH.sub(r"\\#", text(value))


def destination(url: str | None) -> str | None:
    """A link destination written as `<…>`, or None when the URL is not a safe http(s) URL."""
    if not (url and _PLAIN_HTTP.match(url)):  # the common case, checked fast; the rest the long way
        url = safe_url(url)
        if url is None:
            return None
    if url.isascii() and url.isprintable():
        url = url.translate(_URL_TABLE)
    else:
        url = "".join(_URL_UNSAFE.get(ch, ch) if ch.isascii() and ch.isprintable() else _encode(ch) for ch in url)
    return f"<{url}>"


def _encode(ch: str) -> str:
    if ch.isspace() or not ch.isprintable():
        return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
    return ch  # an IRI's letters (Армения) stay readable; renderers encode them
