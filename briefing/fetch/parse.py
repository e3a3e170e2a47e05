"""Feed bytes → a ParsedFeed of clean entries. Pure: no network, no database.

feedparser gets bytes and a few headers, never a URL or a path. Before it sees them, the
internal DTD subset is cut out: feedparser keeps "safe" flat entities and, when the strict
parser gives up, its loose parser expands them without limit (130 KB → a 1 GB title).
We pass neither the feed URL nor Content-Location, so feedparser cannot rewrite GUIDs
against a base (the same entry would get a new id when a feed moves); we resolve relative
links ourselves.

This module runs in worker processes during a big poll, so it only returns plain values.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import feedparser.api

from ..models import Entry, ParsedFeed
from ..text import (
    clean_summary,
    clean_title,
    one_line,
    safe_url,
    strip_controls,
    title_from_summary,
)
from .fastxml import Unsupported, parse_fast

# libxml2's SAX driver, when its bindings happen to be installed, resolves external entities.
feedparser.api.PREFERRED_XML_PARSERS = []

MAX_ENTRIES = 1000
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)

_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.I)
_SUBSET_END = re.compile(rb"\]\s*>")
_DOCTYPE_END = re.compile(rb">")
_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>", re.I)


def strip_dtd(body: bytes) -> bytes:
    """Remove DOCTYPE declarations (with any internal subset) and stray ENTITY declarations."""
    if b"<!" not in body:  # no declaration at all (most feeds): spares two scans of the body, ~0.5 µs a feed
        return body
    start = 0
    while (m := _DOCTYPE.search(body, start)) is not None:
        bracket = body.find(b"[", m.end())
        close = body.find(b">", m.end())
        if bracket != -1 and (close == -1 or bracket < close):
            end = _SUBSET_END.search(body, bracket)
        else:
            end = _DOCTYPE_END.search(body, m.end())
        stop = end.end() if end else len(body)
        body = body[: m.start()] + body[stop:]
        start = m.start()
    if b"<!ENTITY" in body.upper():
        body = _ENTITY_DECL.sub(b"", body)
    return body


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    content_language: str | None = None,
    default_language: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse one fetched document. Never raises for bad input: problems are in the result."""
    now = now or datetime.now(UTC)
    if not body.strip():
        return ParsedFeed(title="", link=None, entries=(), error="empty response", fatal=True)
    head = body.lstrip()[:1]
    if head in (b"{", b"[") or (content_type and "json" in content_type.lower()):
        return _parse_json_feed(body, url=url, default_language=default_language, now=now)
    body = strip_dtd(body)
    try:
        fast = parse_fast(body, content_type=content_type, content_language=content_language)
    except Unsupported:
        fast = None  # anything unusual: feedparser reads it, as it reads everything
    except Exception:  # a fast-path bug must not cost a feed its entries: feedparser still reads it
        fast = None
    if fast is not None:
        language = fast["language"] or content_language or default_language
        entries = _entries(fast["entries"][:MAX_ENTRIES], base=url, language=language, now=now)
        raw_ttl = (fast["ttl"] or "").strip()
        return ParsedFeed(
            title=clean_title(fast["title"]),
            link=safe_url(fast["link"], base=url),
            entries=entries,
            ttl=float(raw_ttl) * 60 if raw_ttl.isdigit() else None,
        )
    headers = {"content-type": content_type or "application/xml"}
    if content_language:
        headers["content-language"] = content_language
    try:
        d = feedparser.parse(
            body,
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except MemoryError:
        return ParsedFeed(title="", link=None, entries=(), error="parser ran out of memory", fatal=True)
    except Exception as exc:  # feedparser's own bugs on odd input must not stop a poll
        return ParsedFeed(title="", link=None, entries=(), error=f"parser failed: {exc!r}", fatal=True)

    feed = d.get("feed", {})
    language = feed.get("language") or content_language or default_language
    entries = _entries(
        (_feedparser_entry(e) for e in d.get("entries", [])[:MAX_ENTRIES]),
        base=url,
        language=language,
        now=now,
    )
    error = None
    if d.get("bozo"):
        reason = one_line(strip_controls(str(d.get("bozo_exception", "")))) or "malformed"
        kind = type(d.get("bozo_exception")).__name__
        if kind not in ("CharacterEncodingOverride", "NonXMLContentType"):
            error = f"malformed feed ({reason[:200]}); {len(entries)} entries recovered"
    fatal = not entries and (not d.get("version") or bool(error))
    if fatal:
        error = error or "not a feed: no RSS or Atom content found"
    ttl = None
    raw_ttl = str(feed.get("ttl", "")).strip()
    if raw_ttl.isdigit():
        ttl = float(raw_ttl) * 60
    return ParsedFeed(
        title=clean_title(feed.get("title", "")),
        link=safe_url(feed.get("link"), base=url),
        entries=entries,
        ttl=ttl,
        error=error,
        fatal=fatal,
    )


def _feedparser_entry(e: Any) -> dict[str, Any]:
    summary = e.get("summary", "") or ""
    for content in e.get("content", []) or []:
        value = content.get("value", "") or ""
        if len(value) > len(summary):
            summary = value
    return {
        "id": e.get("id") or e.get("guid"),
        "title": e.get("title", "") or "",
        "summary": summary,
        "link": e.get("link"),
        # dict.get: FeedParserDict's own get maps a missing updated_parsed, with a warning
        "date": dict.get(e, "published_parsed") or dict.get(e, "updated_parsed"),
        "language": (e.get("title_detail") or {}).get("language"),
        "author": e.get("author"),
    }


def _entries(raw_entries, *, base: str, language: str | None, now: datetime) -> tuple[Entry, ...]:
    seen: set[str] = set()
    out: list[Entry] = []
    for raw in raw_entries:
        title = clean_title(raw["title"])
        summary = clean_summary(raw["summary"])
        link = safe_url(raw["link"], base=base)
        if not title:
            title = title_from_summary(summary) or (link or "")
        if not (title or summary):
            continue
        guid = _guid(raw["id"], link, title, summary)
        if guid in seen:
            continue
        seen.add(guid)
        out.append(
            Entry(
                guid=guid,
                title=title,
                summary=summary,
                link=link,
                published=normalize_date(raw["date"], now),
                language=(raw["language"] or language or None),
                author=clean_title(raw["author"])[:200] if raw.get("author") else None,
            )
        )
    return tuple(out)


def _guid(raw_id: Any, link: str | None, title: str, summary: str) -> str:
    """A stable identity for an entry within its feed."""
    if isinstance(raw_id, str):
        guid = one_line(strip_controls(raw_id))[:500]
        if guid:
            return guid
    if link:
        return link
    return "sha1:" + hashlib.sha1(f"{title}\n{summary}".encode()).hexdigest()


def normalize_date(value: Any, now: datetime) -> datetime | None:
    """A feed date as an aware UTC datetime; None when missing or absurd.

    Before 1995 (MySQL zero dates, Unix timestamps read as years) or more than a day ahead
    (9999-12-31) is absurd; a little ahead (clock skew, wrong zone) is clamped to now.
    """
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            when = value if value.tzinfo else value.replace(tzinfo=UTC)
            when = when.astimezone(UTC)
        else:
            when = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    if when < EARLIEST or when > now + FUTURE_TOLERANCE:
        return None
    return min(when, now)


def _parse_json_feed(body: bytes, *, url: str, default_language: str | None, now: datetime) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (released feedparser cannot read it). Every field is type-checked."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        return ParsedFeed(title="", link=None, entries=(), error=f"invalid JSON feed ({exc})", fatal=True)
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return ParsedFeed("", None, (), error="not a feed: JSON without a JSON Feed version", fatal=True)

    def text(v: Any) -> str:
        return v if isinstance(v, str) else ""

    items = data.get("items")
    raw_items = items if isinstance(items, list) else []
    language = text(data.get("language")) or default_language

    def convert(item: dict[str, Any]) -> dict[str, Any]:
        date = None
        for key in ("date_published", "date_modified"):
            stamp = text(item.get(key))
            if stamp:
                try:
                    date = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                except ValueError:
                    date = None
                break
        authors = item.get("authors") if isinstance(item.get("authors"), list) else []
        author = next((text(a.get("name")) for a in authors if isinstance(a, dict) and text(a.get("name"))), "")
        raw_id = item.get("id")
        return {
            "id": str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None,
            "title": text(item.get("title")),
            "summary": text(item.get("content_html")) or text(item.get("summary")) or text(item.get("content_text")),
            "link": text(item.get("url")) or None,
            "date": date,
            "language": text(item.get("language")) or None,
            "author": author or None,
        }

    entries = _entries(
        (convert(i) for i in raw_items[:MAX_ENTRIES] if isinstance(i, dict)),
        base=url,
        language=language,
        now=now,
    )
    error = None if isinstance(items, list) else "JSON feed without an items list"
    return ParsedFeed(
        title=clean_title(text(data.get("title"))),
        link=safe_url(text(data.get("home_page_url")) or None, base=url),
        entries=entries,
        error=error,
        fatal=not entries and error is not None,
    )
