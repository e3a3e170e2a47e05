"""Turning hostile feed text into clean, inert text and safe links.

Everything a feed says passes through here before it is stored: terminal escape sequences and
control characters are removed (Rich and Textual pass most of them through), HTML is reduced
to text, lengths are capped, and links are kept only when they are http or https.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TITLE_MAX = 300
SUMMARY_MAX = 4000

# Whole escape sequences first (so "]0;title" does not survive as litter), then lone controls.
_ESCAPE_SEQUENCES = re.compile(
    r"""
    \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL/ST (window title, OSC 8, OSC 52)
  | \x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # 8-bit OSC
  | \x1b\[[0-?]*[ -/]*[@-~]                        # CSI (clear screen, colours, cursor moves)
  | \x9b[0-?]*[ -/]*[@-~]                          # 8-bit CSI
  | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?         # DCS, SOS, PM, APC strings
  | \x1b[ -/]*[0-~]?                               # any other two-character escape
    """,
    re.VERBOSE,
)
# C0 except tab and newline, DEL, C1, bidi embeddings/overrides/isolates, LRM/RLM/ALM,
# zero-width space, word joiner, invisible operators, BOM, soft hyphen. ZWJ/ZWNJ (U+200C/D)
# stay: Persian and Indic scripts need them. strip_controls returns printable text at once:
# keep every character removed here unprintable, and tab and newline kept.
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_HTML_DROP_BLOCKS = re.compile(  # its tags: keep _may_hold_dropped_block in step
    r"<(script|style|head|title|iframe|object|noscript|template)\b[^>]*>.*?</\1\s*>"
    r"|<!--.*?-->|<!\[CDATA\[|\]\]>",
    re.IGNORECASE | re.DOTALL,
)
_HTML_BREAKS = re.compile(
    r"<\s*(br|/p|p|/div|div|/li|li|/h[1-6]|h[1-6]|/tr|tr|/blockquote|blockquote|hr)\b[^>]*>",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"</?[a-zA-Z!?/][^<>]*>?")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
# An absolute http(s) URL whose host is a plain ASCII name (no user, port, brackets or escapes)
# and that holds no tab or line break (urlsplit drops those): most feed links. Its parts are
# read by this one regex instead of urlsplit and its hostname/port properties (~2 µs a call).
# Two functions rely on it: safe_url accepts a match without the checks after its own (a new
# check there must come before that return), and canonical_url takes a match to mean a
# lower-case scheme, no port and no user name.
_PLAIN_HTTP_URL = re.compile(r"(https?)://([A-Za-z0-9._~!$&'()*+,;=-]+)([/?#][^\t\r\n]*)?")
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|yclid|mc_cid|mc_eid|igshid)$", re.I)


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and invisible control/format characters."""
    if not text:
        return ""
    # Every character this removes is unprintable, so printable text (most titles) is returned
    # as it is; so is ASCII text whose only unprintables are tabs and newlines (summaries after
    # html_to_text): two C scans instead of a regex pass, ~0.6 µs per summary.
    if text.isprintable():
        return text
    if text.isascii() and text.replace("\n", "").replace("\t", "").isprintable():
        return text
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE_SEQUENCES.sub("", text)
    return _CONTROL_CHARS.sub("", text)


def html_to_text(markup: str) -> str:
    """Reduce an HTML fragment to plain text: paragraphs on their own lines, entities decoded.

    Entities are decoded *after* tags are removed, so `&lt;script&gt;` shows as text and can
    never become a tag; control characters that entities smuggle in (`&#x1b;`) go afterwards.
    """
    if not markup:
        return ""
    text = markup
    if "<" in text:
        if _may_hold_dropped_block(text):
            text = _HTML_DROP_BLOCKS.sub(" ", text)
        text = _HTML_BREAKS.sub("\n", text)
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    # The regexes below rewrite every space they meet (~4 µs a summary); after strip_controls,
    # ASCII text can only hold two kinds of whitespace run worth changing: a tab or two spaces.
    if not text.isascii() or "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    # Same result as `_NEWLINES.sub("\n", text).strip()` — each whitespace run holding a newline
    # becomes one newline — in a fifth of the time: strip every line, drop the blank ones.
    return "\n".join([line for line in map(str.strip, text.split("\n")) if line])


def _may_hold_dropped_block(text: str) -> bool:
    """False when _HTML_DROP_BLOCKS certainly finds nothing in `text`: a cheap test that spares
    ASCII markup the case-insensitive regex scan (~1.4 µs a summary).

    Only ASCII text is tested: there, lower-casing is exactly the regex's case folding (beyond
    ASCII, the regex also folds ı, ſ and İ, which `str.lower` does not)."""
    if not text.isascii():
        return True
    low = text.lower()
    return (
        "<script" in low or "<style" in low or "<head" in low or "<title" in low or "<iframe" in low
        or "<object" in low or "<noscript" in low or "<template" in low or "<!" in low or "]]>" in low
    )  # fmt: skip


def one_line(text: str) -> str:
    """Collapse all whitespace, newlines included, into single spaces."""
    return " ".join(text.split())


def truncate(text: str, limit: int) -> str:
    """Cap `text` at `limit` characters, cutting at a word boundary and marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def clean_title(raw: str) -> str:
    """A feed title (which feeds often send as HTML) as one safe line of text."""
    return truncate(one_line(html_to_text(raw)), TITLE_MAX)


def clean_summary(raw: str) -> str:
    return truncate(html_to_text(raw), SUMMARY_MAX)


def title_from_summary(summary: str, words: int = 14) -> str:
    """A stand-in title for feeds whose items only have a description."""
    first_line = one_line(summary)
    if not first_line:
        return ""
    sentence = re.split(r"(?<=[.!?])\s", first_line, maxsplit=1)[0]
    parts = sentence.split()
    title = " ".join(parts[:words])
    if len(parts) > words:
        title = title.rstrip(" ,.;:-") + "…"
    return truncate(title, TITLE_MAX)


def safe_url(raw: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None. `javascript:`, `file:`, `data:` and the like never pass."""
    if not raw:
        return None
    url = one_line(strip_controls(raw))
    if not url:
        return None
    if base:
        try:
            if not _joins_to_itself(url, urlsplit(base).scheme):
                url = urljoin(base, url)
        except ValueError:
            return None
    if _PLAIN_HTTP_URL.fullmatch(url):
        return url  # http(s), a host name, no port: the checks below would pass it
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _joins_to_itself(url: str, base_scheme: str) -> bool:
    """True when `urljoin(base, url)` is `url` itself, so the join (~5 µs, two more URL parses)
    can be skipped: an absolute http(s) URL of another scheme than the base is returned as it is;
    one of the same scheme is rebuilt from its parts, which only loses an empty ';', '?' or '#'.
    (A `url` that urljoin would reject as malformed is still rejected: safe_url checks it next.)"""
    if url.startswith("https://"):
        scheme, rest = "https", url[8:]
    elif url.startswith("http://"):
        scheme, rest = "http", url[7:]
    else:
        return False
    if scheme != base_scheme:
        return True
    return (
        rest[:1] not in ("", "/", "?", "#")  # a host is there
        and ";" not in url
        and "?#" not in url
        and not url.endswith(("?", "#"))
    )


def canonical_url(url: str) -> str:
    """The form of an http(s) URL used to recognise the same article in different feeds:
    lower-case host, no default port, no fragment, no tracking parameters, and http read as
    https (publishers move to https and rewrite every link and GUID; it is the same article)."""
    plain = _PLAIN_HTTP_URL.fullmatch(url)
    if plain:  # the path and query where urlsplit would cut them: before '#', around the first '?'
        path, _, query = (plain.group(3) or "").split("#", 1)[0].partition("?")
    else:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
        netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
        if scheme == "http":
            scheme = "https"
        path, query = parts.path, parts.query
    if query:  # (most links have none: ~0.6 µs saved)
        query = urlencode(
            [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
             if not _TRACKING_PARAMS.match(k)]
        )
    if plain:  # what urlunsplit makes of https, the host and a path that starts with '/'
        return f"https://{plain.group(2).lower()}{path or '/'}" + (f"?{query}" if query else "")
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def content_digest(title: str, summary: str) -> str:
    """A short hash of an item's text: a changed digest means the publisher edited it."""
    return hashlib.blake2b(f"{title}\x00{summary}".encode(), digest_size=12).hexdigest()


_AZERBAIJANI = (("ı", "i"), ("İ", "i"), ("ə", "e"), ("Ə", "e"))


def search_form(text: str) -> str:
    """Text as indexed and queried in FTS5. The unicode61 tokenizer folds case and most
    diacritics itself, but not Azerbaijani dotless ı and schwa; those are folded here."""
    for letter, plain in _AZERBAIJANI:
        if letter in text:
            text = text.replace(letter, plain)
    return text


_FOLD_MAP = str.maketrans({"ı": "i", "İ": "i", "ə": "e", "Ə": "e", "ß": "ss", "ё": "е", "Ё": "е"})


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form for search and matching.

    Azerbaijani dotless ı and schwa are folded (the FTS5 unicode61 tokenizer does not do it),
    Latin diacritics are dropped; Armenian and Cyrillic stay in their script, lower-cased.
    """
    text = text.translate(_FOLD_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()
