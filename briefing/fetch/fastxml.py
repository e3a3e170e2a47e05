"""A fast path for plain, well-formed RSS 2.0 and Atom 1.0 in UTF-8: pyexpat straight to raw entries.

feedparser is pure Python and costs ~10 ms for a 40-item feed: with hundreds of feeds arriving
at once it is the poll's bottleneck. Most real feeds are simple, well-formed UTF-8 RSS or Atom,
which expat (C) reads in a fraction of that. This module reads exactly those and gives up —
raising `Unsupported` — at the first thing it does not fully understand (another encoding, a
DTD, xml:base, an undefined entity, markup nested in a text field, an unexpected date format,
RDF, Atom 0.3, ...); `parse.parse_feed` then hands the document to feedparser as before. So the
fast path never has to be clever, only right.

The raw values it returns mirror what feedparser returns for the same document (the same text
fixes, the same choice of link, date and author), so a feed gives the same entries whichever
path read it; tests/test_fetch_parse.py compares the two over the shared corpus.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from email.utils import parsedate_tz
from typing import Any
from xml.parsers import expat


def _cp1252_table() -> dict[int, str]:
    """C1 control code points → the Windows-1252 characters a mislabelled feed meant (what
    feedparser does to text, built here rather than imported from its private module)."""
    table = {}
    for code in range(0x80, 0xA0):
        with contextlib.suppress(UnicodeDecodeError):
            table[code] = bytes([code]).decode("cp1252")
    return table


_cp1252 = _cp1252_table()
ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "http://www.w3.org/XML/1998/namespace lang"
_CONTENT_ENCODED = "http://purl.org/rss/1.0/modules/content/ encoded"
_DC = "http://purl.org/dc/elements/1.1/ "
_DCTERMS = "http://purl.org/dc/terms/ "
_ATOM_ = ATOM + " "
# Elements feedparser reads into a title, summary, link or author that the fast path does not
# model (podcast and media-RSS extras, XHTML bodies, Dublin Core titles): their presence sends
# the document to feedparser.
_DEFER_NAMESPACES = ("http://www.w3.org/1999/xhtml ", "http://www.itunes.com/dtds/podcast-1.0.dtd ")
_DEFER = {
    "http://search.yahoo.com/mrss/ title", "http://search.yahoo.com/mrss/ description",
    "http://search.yahoo.com/mrss/ text", _DC + "title", _DC + "description",
}  # fmt: skip

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.I)
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}
_RFC822 = re.compile(
    r"^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(?P<year>\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)?\s*$",
    re.I,
)
# The form nearly every RSS feed writes (RFC 822 as RFC 2822 tightened it), read without
# email.utils: "Tue, 19 Sep 2023 09:00:00 GMT" or with a numeric zone.
_RFC2822_STRICT = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (GMT|[+-][0-9]{4})"
)
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}:?\d{2})\s*$")

# Fields read as text, by element: RSS items, Atom entries, and the channel/feed itself.
_RSS_ITEM = {
    "title": "title", "link": "link", "description": "summary", "guid": "id", "pubDate": "published",
    "author": "author", _DC + "creator": "author", _DC + "date": "updated", _CONTENT_ENCODED: "content",
    _DC + "language": "language", _DCTERMS + "issued": "published", _DCTERMS + "modified": "updated",
}  # fmt: skip
_RSS_CHANNEL = {"title": "title", "link": "link", "language": "language", "ttl": "ttl", _DC + "language": "language"}
_ATOM_ENTRY = {
    _ATOM_ + "title": "title", _ATOM_ + "summary": "summary", _ATOM_ + "content": "content",
    _ATOM_ + "id": "id", _ATOM_ + "published": "published", _ATOM_ + "updated": "updated",
}  # fmt: skip
_ATOM_FEED = {_ATOM_ + "title": "title", _ATOM_ + "id": "id"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_PLAIN_ITEM_FIELDS = {"title", "summary", "id", "published", "updated"}  # one of each per entry (summary: the last)
_ENTITY_LIKE = re.compile("&([A-Za-z0-9_]+);")  # left in RSS links as feedparser leaves them: "&amp;" → "&amp"


# What the fast path's handlers rely on, checked once at import: an entry's fields are decided
# before the deferral test (so none may be deferred), and _close_field handles each of them.
_HANDLED = _PLAIN_ITEM_FIELDS | {"content", "link", "author", "language"}
assert not any(n in _DEFER or n.startswith(_DEFER_NAMESPACES) for n in (*_RSS_ITEM, *_ATOM_ENTRY))
assert set(_RSS_ITEM.values()) | set(_ATOM_ENTRY.values()) <= _HANDLED


class Unsupported(Exception):
    """The document needs feedparser: something here is beyond the fast path."""


def declared_utf8(body: bytes, content_type: str | None) -> bool:
    """True when the HTTP charset and the XML declaration (if any) both say UTF-8 (or ASCII)."""
    if content_type:
        m = _CHARSET.search(content_type)
        if m and m.group(1).lower() not in _UTF8:
            return False
    if body.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xef\xbb\xbf")):
        return False  # BOMs and UTF-16/32: feedparser's detection order matters there
    m = _XML_DECL.match(body[:300])
    return m is None or m.group(1).decode().lower() in _UTF8


def parse_fast(body: bytes, *, content_type: str | None, content_language: str | None) -> dict[str, Any]:
    """Read a simple RSS 2.0 / Atom 1.0 document. Raises Unsupported for anything else.

    Returns {"title", "link", "language", "ttl", "entries": [raw entry dicts]} where each raw
    entry has the keys parse._entries expects (id, title, summary, link, date, language, author).
    """
    if not declared_utf8(body, content_type) or b"xml:base" in body or b"<!DOCTYPE" in body[:2000]:
        raise Unsupported("encoding, xml:base or doctype")
    reader = _Reader(content_language)
    parser = expat.ParserCreate("utf-8", " ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    reader.attach(parser)
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise Unsupported(f"not well-formed: {exc}") from None
    if reader.kind is None:
        raise Unsupported("no RSS 2.0 or Atom 1.0 root")
    return reader.result()


class _Reader:
    """expat callbacks: a small state machine over the few elements a news feed needs."""

    def __init__(self, content_language: str | None):
        self.kind: str | None = None  # "rss" or "atom"
        self.depth = 0
        self.channel_depth = -1  # RSS <channel> or the Atom <feed> root
        self.item: dict[str, Any] | None = None
        self.item_depth = -1
        self.field: str | None = None  # the text field being read
        self.field_depth = -1  # -1 while no field is open
        self.text: list[str] = []  # character data since the field opened (see attach): cleared in
        # place, never rebound, as expat holds its append
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.langs: list[str | None] = [content_language]
        self.lang: str | None = content_language  # what feedparser calls self.lang
        self.in_author = -1
        self.author: dict[str, str] = {}
        self.parser: Any = None

    def attach(self, parser: Any) -> None:
        """Take expat's events. Character data goes straight into `self.text` — a C method, not
        a Python call per text node — and the list is emptied when a field opens: since markup
        inside a field is refused, it then holds exactly the field's text when the field closes."""
        self.parser = parser
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text.append

    # ------------------------------------------------------------------ callbacks

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """The root element: RSS or Atom, which decides the handlers for the rest of the document."""
        self.depth = 1
        lang = attrs.get(_XML_LANG)
        self.langs.append(lang.replace("_", "-") if lang else self.langs[-1])
        if name in _DEFER or name.startswith(_DEFER_NAMESPACES):
            raise Unsupported(f"<{name}>")
        if name == "rss" and attrs.get("version", "2.0").startswith(("2.", "0.9")):
            self.kind = "rss"
            # The rest of an RSS document goes to handlers without Atom's xml:lang stack
            # (~2 µs per item): RSS has no use for it, an xml:lang below the root is refused.
            self.parser.StartElementHandler = self.rss_start
            self.parser.EndElementHandler = self.rss_end
        elif name == _ATOM_ + "feed":
            self.kind, self.channel_depth = "atom", 1
            if lang:
                self.feed["language"] = self.lang = lang
            self.parser.StartElementHandler = self.atom_start
        else:
            raise Unsupported(f"root <{name}>")

    def atom_start(self, name: str, attrs: dict[str, str]) -> None:
        """start() below the root of an Atom document, an entry's text fields decided first
        (~1 µs per entry): they are most elements, and none is deferred."""
        depth = self.depth = self.depth + 1
        lang = attrs.get(_XML_LANG)
        self.langs.append(lang.replace("_", "-") if lang else self.langs[-1])
        if self.field is not None:
            raise Unsupported(f"markup inside <{self.field}>")
        if self.item is not None and depth == self.item_depth + 1:
            field = _ATOM_ENTRY.get(name)
            if field is not None:
                kind = attrs.get("type", "text")
                if kind not in ("text", "html") or "src" in attrs:
                    raise Unsupported(f"Atom {kind} content")
                self.field, self.field_depth = field, depth
                self.text.clear()
                return
        if name in _DEFER or name.startswith(_DEFER_NAMESPACES):
            raise Unsupported(f"<{name}>")
        self._start_atom(name, attrs, depth)

    def rss_start(self, name: str, attrs: dict[str, str]) -> None:
        """Every element below the root of an RSS document."""
        depth = self.depth = self.depth + 1
        if self.field is not None:
            raise Unsupported(f"markup inside <{self.field}>")
        if attrs and attrs.get(_XML_LANG):
            raise Unsupported("xml:lang in RSS")
        item = self.item
        if item is not None and depth == self.item_depth + 1:
            field = _RSS_ITEM.get(name)
            if field is not None:  # an item's field: most elements, so decided first (none is deferred)
                if name == "guid":
                    item["_permalink"] = attrs.get("isPermaLink", "true") == "true"
                self.field, self.field_depth = field, depth  # _open_field, inline: ~0.1 µs a field
                self.text.clear()
                return
        if name in _DEFER or name.startswith(_DEFER_NAMESPACES):
            raise Unsupported(f"<{name}>")
        if depth == 2:
            if name != "channel" or self.channel_depth != -1:
                raise Unsupported(f"<{name}> at the top of an RSS document")
            self.channel_depth = 2
        elif name == "item":
            if depth != 3 or self.item is not None:
                raise Unsupported("an item outside the channel")
            self._open_item(depth)
        elif name.startswith(_ATOM_):
            if item is not None or name != _ATOM_ + "link" or attrs.get("rel", "alternate") == "alternate":
                raise Unsupported(f"Atom <{name}> in RSS")
        elif item is None and depth == 3 and name in _RSS_CHANNEL:
            self._open_field("feed:" + _RSS_CHANNEL[name], depth)

    def _start_atom(self, name: str, attrs: dict[str, str], depth: int) -> None:
        if name == _ATOM_ + "entry":
            if depth != 2 or self.item is not None:
                raise Unsupported("a nested entry")
            self._open_item(depth)
            return
        owner_depth = self.item_depth if self.item is not None else 1
        if name == _ATOM_ + "link" and depth == owner_depth + 1:
            self._atom_link(attrs)
        elif name == _ATOM_ + "author" and depth == owner_depth + 1:
            self.in_author, self.author = depth, {}
        elif self.in_author != -1 and depth == self.in_author + 1 and name in (_ATOM_ + "name", _ATOM_ + "email"):
            self._open_field("author:" + name.rsplit(" ", 1)[1], depth)
        elif depth == owner_depth + 1:
            fields = _ATOM_ENTRY if self.item is not None else _ATOM_FEED
            if name in fields:
                kind = attrs.get("type", "text")
                if kind not in ("text", "html") or "src" in attrs:
                    raise Unsupported(f"Atom {kind} content")
                self._open_field(fields[name] if self.item is not None else "feed:" + fields[name], depth)

    def _atom_link(self, attrs: dict[str, str]) -> None:
        rel = attrs.get("rel", "alternate")
        kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
        href = attrs.get("href")
        if href is None:
            raise Unsupported("an Atom link without href")
        if rel == "alternate" and kind in _HTML_TYPES:
            target = self.item if self.item is not None else self.feed
            target["link"] = href  # the last alternate HTML link wins, as in feedparser

    def end(self, name: str) -> None:
        """Every element of an Atom document (an RSS document goes to rss_end)."""
        depth = self.depth
        self.depth -= 1
        self.langs.pop()
        if self.field is not None and depth == self.field_depth:
            self._close_field()
        elif self.in_author == depth:
            self.in_author = -1
            self._save_author(self.item if self.item is not None else None)
        elif self.item is not None and depth == self.item_depth:
            self.entries.append(self.item)
            self.item = None

    def rss_end(self, name: str) -> None:
        """end() for an RSS document (no Atom authors, no xml:lang stack)."""
        depth = self.depth
        self.depth = depth - 1
        if depth == self.field_depth:
            self._close_field()
        elif self.item is not None and depth == self.item_depth:
            self.entries.append(self.item)
            self.item = None

    # ------------------------------------------------------------------ fields

    def _open_item(self, depth: int) -> None:
        self.item, self.item_depth = {}, depth

    def _open_field(self, field: str, depth: int) -> None:
        self.field, self.field_depth = field, depth
        self.text.clear()

    def _close_field(self) -> None:
        field, value = self.field or "", "".join(self.text).strip()
        if not value.isascii():  # (ASCII needs no repair: spares a call per field)
            value = _fix_text(value)
        self.field, self.field_depth = None, -1
        item = self.item
        if field in _PLAIN_ITEM_FIELDS:  # most fields: tested first
            assert item is not None
            if field in item and field != "summary":
                raise Unsupported(f"two <{field}> in one entry")
            item[field] = value
            if field == "title":
                item["_title_lang"] = self.langs[-1] if self.kind == "atom" else self.lang
            elif field == "id" and self.kind == "rss" and not item.get("_permalink", True):
                item["_id_not_link"] = True
            return
        if field.startswith("author:"):
            self.author[field[7:]] = value
            return
        if field.startswith("feed:"):
            key = field[5:]
            if key == "language":
                self.lang = value
            if key == "link" and self.kind == "rss" and "&" in value:
                value = _ENTITY_LIKE.sub(r"&\g<1>", value)
            self.feed[key] = value
            return
        assert item is not None
        if field == "content":
            item.setdefault("content", []).append(value)
        elif field == "link":
            if "&" in value:  # (most links have none: ~1 µs saved)
                value = _ENTITY_LIKE.sub(r"&\g<1>", value.replace("&amp;", "&"))
            item["link"] = value
        elif field == "author":
            item["author"] = value or None  # the last one wins, as in feedparser
        elif field == "language":
            self.lang = value
        # (every field of _RSS_ITEM and _ATOM_ENTRY is handled above: _HANDLED checks it at import)

    def _save_author(self, item: dict[str, Any] | None) -> None:
        name, email = self.author.get("name"), self.author.get("email")
        value = f"{name} ({email})" if name and email else name or email
        if item is not None and value:
            item["author"] = value

    # ------------------------------------------------------------------ result

    def result(self) -> dict[str, Any]:
        entries = []
        read_published = _rfc822 if self.kind == "rss" else _iso
        if "link" not in self.feed and self.feed.get("id"):
            self.feed["link"] = self.feed["id"]  # an Atom feed id stands in for a missing link
        for item in self.entries:
            link = item.get("link")
            raw_id = item.get("id")
            if link is None and raw_id and not item.get("_id_not_link"):
                link = raw_id  # a permalink guid (or an Atom id) stands in for a missing link
            summary = item.get("summary", "")
            for content in item.get("content", []):
                if len(content) > len(summary):
                    summary = content
            if not (item.get("title") or summary):
                raise Unsupported("an entry without title or text")  # feedparser may find more
            published = _date(item.get("published"), read_published)
            updated = _date(item.get("updated"), _iso)
            entries.append(
                {
                    "id": raw_id or None,
                    "title": item.get("title", ""),
                    "summary": summary,
                    "link": link,
                    "date": published or updated,
                    "language": item.get("_title_lang") if "title" in item else None,
                    "author": item.get("author"),
                }
            )
        ttl = self.feed.get("ttl")
        return {
            "title": self.feed.get("title", ""),
            "link": self.feed.get("link"),
            "language": self.feed.get("language"),
            "ttl": ttl,
            "entries": entries,
        }


def _fix_text(value: str) -> str:
    """feedparser's text repairs, so both paths give the same text: UTF-8 read as Latin-1, and
    Windows-1252 punctuation sent as C1 control characters."""
    if not value.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode("utf-8")
        value = value.translate(_cp1252)
    return value


def _date(value: str | None, parse) -> datetime | None:
    if not value:
        return None
    return parse(value)


def _rfc822(value: str) -> datetime:
    strict = _RFC2822_STRICT.fullmatch(value)
    if strict:  # what parsedate_tz would read, without its ~2 µs of string juggling
        day, month, year, hour, minute, second, zone = strict.groups()
        if not 1900 <= int(year) <= 2999:
            raise Unsupported(f"date {value[:40]!r}")
        parts = (int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
        offset = 0 if zone == "GMT" else _zone_seconds(int(zone))
    else:
        match = _RFC822.match(value)
        # a year like 0001 would be read as two digits (2001); far years overflow: feedparser decides
        if not match or not 1900 <= int(match.group("year")) <= 2999:
            raise Unsupported(f"date {value[:40]!r}")
        parsed = parsedate_tz(value)
        if parsed is None:
            raise Unsupported(f"date {value[:40]!r}")
        parts, offset = parsed[:6], parsed[9] or 0
    try:
        if not offset:  # the same instant as below, without a round trip through a timestamp (~1 µs)
            return datetime(*parts, tzinfo=UTC)
        naive = datetime(*parts)
        return datetime.fromtimestamp(naive.replace(tzinfo=UTC).timestamp() - offset, UTC)
    except (ValueError, OverflowError, OSError):
        raise Unsupported(f"date {value[:40]!r}") from None


def _zone_seconds(hhmm: int) -> int:
    """A numeric zone (+0400 read as 400) in seconds, as email.utils.parsedate_tz counts it."""
    seconds = (abs(hhmm) // 100) * 3600 + (abs(hhmm) % 100) * 60
    return -seconds if hhmm < 0 else seconds


def _iso(value: str) -> datetime:
    if not _ISO.match(value):
        raise Unsupported(f"date {value[:40]!r}")
    try:
        when = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
        return when.astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise Unsupported(f"date {value[:40]!r}") from None
