"""The one filter language: what the journalist types → a `Filter` value (pure, no SQL).

The dashboard's filter line, `briefing items --filter` and `briefing brief --filter` all parse
with `parse_filter`; the store turns a `Filter` into SQL (briefing/store/search.py). Syntax:

    shelling "lachin corridor" evacuat*      free text (full-text search, all words must match)
    side:azerbaijan side:az                  the source's side (prefixes and aliases allowed)
    actor:pashinyan  place:khankendi         gazetteer names, alias-aware (or an actor id)
    source:reuters  lang:ru                  feed-name substring, item language
    @6h @2d @today @yesterday @since:06:00 @until:18:00 @2023-09-19 @2023-09-19..2023-09-21
    +unread +starred                         flags
    -word -"a phrase" -side:russia           exclusions (any field)

Several values of one field OR together; different fields AND. A mistake raises `FilterError`
with the 0-based `.position` of the offending token and a message that says how to fix it;
text that merely looks odd (C++, AT&T, a lone quote) is searched as text and never raises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo

from . import errors
from .models import SIDES
from .text import fold, search_form, strip_controls
from .timespec import TimeSpecError, local_zone, parse_time

FIELDS = ("side", "actor", "place", "source", "lang")
FLAGS = ("unread", "starred")
COUNT_CAP = 1000  # pane counts stop here; show `format_count` ("1,000+")

SIDE_ALIASES = {
    "am": "armenia", "arm": "armenia", "az": "azerbaijan", "aze": "azerbaijan", "artsakh": "karabakh",
    "nk": "karabakh", "nagorno-karabakh": "karabakh", "ru": "russia", "rus": "russia", "tr": "turkey",
    "turkiye": "turkey", "ir": "iran", "intl": "international", "int": "international",
}  # fmt: skip

Resolver = Callable[[str], tuple[str, ...]]


class FilterError(errors.FilterError):
    """A filter that cannot be understood. `position` is the 0-based offset of the bad token."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True)
class Filter:
    """A parsed filter. Empty tuples mean "no constraint"; several values OR together."""

    source: str = ""
    text: str = ""  # FTS5 MATCH expression every item must satisfy ("" = none)
    exclude_text: str = ""  # FTS5 expression no item may satisfy ("" = none)
    words: tuple[str, ...] = ()  # the free-text words and phrases, folded: for highlighting
    sides: tuple[str, ...] = ()
    exclude_sides: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # actor ids
    exclude_actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # canonical place names
    exclude_places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # folded feed-name substrings
    exclude_sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # "en" also matches "en-GB"
    exclude_languages: tuple[str, ...] = ()
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    unread: bool = False
    starred: bool = False
    _empty: bool = field(default=True, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return self._empty


EMPTY = Filter()


def format_count(count: int) -> str:
    """A pane count as the dashboard shows it: counts stop at COUNT_CAP ("1,000+")."""
    return f"{COUNT_CAP:,}+" if count >= COUNT_CAP else f"{count:,}"


# ----------------------------------------------------------------------------- tokens

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»"})
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.S)
_WORD = re.compile(r"\w+")
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _tokens(text: str) -> list[tuple[str, int]]:
    """Whitespace-separated tokens with their offsets; a quote runs to its partner (or the end)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] == '"':
                close = text.find('"', i + 1)
                i = n if close < 0 else close + 1
            else:
                i += 1
        out.append((text[start:i], start))
    return out


def _unquote(value: str) -> tuple[str, bool]:
    """Strip quotes; True for a closed phrase (an unclosed one is still being typed: a prefix)."""
    if value.startswith('"'):
        closed = len(value) > 1 and value.endswith('"')
        return (value[1:-1] if closed else value[1:]), closed
    return value, False


def _fts_term(chunk: str, *, phrase: bool) -> tuple[str | None, str]:
    """One typed term → (FTS5 phrase or None if it has no words, its folded display form).

    Every word is a token run of the search form ("AT&T" → "at t"), quoted so that no FTS5
    syntax can leak through. A bare term of 3+ letters matches as a prefix (inflected forms:
    baki → Bakıda); a phrase in quotes matches exactly; `*` makes any term a prefix.
    """
    star = chunk.endswith("*")
    words = _WORD.findall(search_form(chunk))
    words = [w for w in words if w.strip("_")]
    if not words:
        return None, ""
    body = '"' + " ".join(words) + '"'
    prefix = star or (not phrase and len(words[-1]) >= 3)
    return body + ("*" if prefix else ""), fold(" ".join(words))


# ----------------------------------------------------------------------------- resolvers


def _classify_function(name: str) -> Callable | None:
    from . import classify

    return getattr(classify, name, None)


def default_places(name: str) -> tuple[str, ...] | None:
    """Canonical places for a typed name, or None when no gazetteer is available yet."""
    find = _classify_function("find_places")
    return None if find is None else tuple(find(name))


def default_actors(name: str) -> tuple[str, ...] | None:
    """Actor ids for a typed name (an actor id is accepted as is), or None without a gazetteer."""
    find = _classify_function("find_actors")
    lookup = _classify_function("actor")
    if find is None and lookup is None:
        return None
    found = tuple(find(name)) if find is not None else ()
    if not found and lookup is not None and lookup(name) is not None:
        found = (name,)
    return found


# ----------------------------------------------------------------------------- parser


class _Builder:
    def __init__(self, text: str, now: datetime, tz: tzinfo, places: Resolver | None, actors: Resolver | None):
        self.text, self.now, self.tz = text, now, tz
        self.places_of, self.actors_of = places, actors
        self.positive: list[str] = []
        self.negative: list[str] = []
        self.words: list[str] = []
        self.values: dict[str, list[str]] = {}
        self.since: datetime | None = None
        self.until: datetime | None = None
        self.time_token: str | None = None
        self.flags: set[str] = set()
        self.any = False

    def add(self, key: str, values: tuple[str, ...]) -> None:
        bucket = self.values.setdefault(key, [])
        bucket.extend(v for v in values if v not in bucket)
        self.any = True

    def token(self, raw: str, pos: int) -> None:
        negate = raw.startswith("-") and len(raw) > 1
        body, at = (raw.lstrip("-"), pos + len(raw) - len(raw.lstrip("-"))) if negate else (raw, pos)
        if not body:
            return
        if body[0] == "@" and len(body) > 1:
            if negate:
                raise FilterError(f'cannot exclude a time range ("{raw}" at {pos + 1}) — drop the "-"', pos)
            self.time(body, at)
            return
        if body[0] == "+" and len(body) > 1 and body[1].isalpha():
            flag = body[1:].lower()
            if flag not in FLAGS or negate:
                hint = " or ".join("+" + f for f in FLAGS)
                raise FilterError(f'unknown flag "{raw}" at {pos + 1} — use {hint}', pos)
            self.flags.add(flag)
            self.any = True
            return
        m = _FIELD.fullmatch(body)
        if m and not m.group(2).startswith("//"):
            name, value = m.group(1).lower(), m.group(2)
            if name in FIELDS:
                self.field(name, value, negate, at)
                return
            if value:
                close = difflib.get_close_matches(name, FIELDS, n=1)
                fields = ", ".join(f + ":" for f in FIELDS)
                hint = f"did you mean {close[0]}:? Fields: {fields}" if close else f"use {fields}"
                raise FilterError(f'unknown field "{m.group(1)}:" at {at + 1} — {hint}', at)
        self.free(body, negate)

    def free(self, body: str, negate: bool) -> None:
        chunk, phrase = _unquote(body)
        term, shown = _fts_term(chunk, phrase=phrase)
        if term is None:
            return  # punctuation only ("+", "&", a lone quote): nothing to search for
        (self.negative if negate else self.positive).append(term)
        if not negate:
            self.words.append(shown)
        self.any = True

    def field(self, name: str, raw_value: str, negate: bool, pos: int) -> None:
        value, _ = _unquote(raw_value)
        value = " ".join(value.split())
        key = ("exclude_" if negate else "") + name
        if not value:
            example = {"side": "azerbaijan", "actor": "pashinyan", "place": "stepanakert", "source": "reuters",
                       "lang": "en"}[name]  # fmt: skip
            raise FilterError(f"{name}: needs a value at {pos + 1} — e.g. {name}:{example}", pos)
        if name == "side":
            self.add(key, (_side(value, pos),))
        elif name == "source":
            self.add(key, (fold(value),))
        elif name == "lang":
            lang = value.lower().replace("_", "-")
            if not _LANG.fullmatch(lang):
                raise FilterError(
                    f'"{value}" at {pos + 1} is not a language code — write lang:en, lang:ru or lang:hy',
                    pos,
                )
            self.add(key, (lang,))
        elif name == "place":
            found = (self.places_of or default_places)(value)
            if found is None:
                found = (value,)  # no gazetteer yet: the canonical name as typed
            if not found:
                raise FilterError(
                    f'no place matches "{value}" at {pos + 1} — try place:stepanakert, place:lachin or place:baku', pos
                )
            self.add(key, found)
        else:
            found = (self.actors_of or default_actors)(value)
            if found is None:
                found = (value.lower(),)  # no gazetteer yet: an actor id
            if not found:
                raise FilterError(
                    f'no actor matches "{value}" at {pos + 1} — try actor:pashinyan, actor:aliyev or an actor id',
                    pos,
                )
            self.add(key, found)

    def time(self, body: str, pos: int) -> None:
        spec = body[1:]
        low = spec.lower()
        try:
            if low.startswith("since:") or low.startswith("until:"):
                which, value = low[:5], spec[6:]
                if not value:
                    raise TimeSpecError("empty")
                when = parse_time(value, now=self.now, tz=self.tz)
                self.set_time(pos, body, since=when if which == "since" else None,
                              until=when if which == "until" else None)  # fmt: skip
            elif low == "yesterday":
                today = parse_time("today", now=self.now, tz=self.tz)
                self.set_time(pos, body, since=parse_time("yesterday", now=self.now, tz=self.tz), until=today)
            elif ".." in spec:
                start, _, end = spec.partition("..")
                if not start and not end:
                    raise TimeSpecError("empty")
                since = parse_time(start, now=self.now, tz=self.tz) if start else None
                until = self.end_of(end) if end else None
                if since and until and until <= since:
                    raise FilterError(
                        f'"{body}" at {pos + 1} ends before it starts — write @FROM..TO, oldest first',
                        pos,
                    )
                self.set_time(pos, body, since=since, until=until)
            elif _DATE.fullmatch(spec):
                self.set_time(pos, body, since=parse_time(spec, now=self.now, tz=self.tz), until=self.end_of(spec))
            else:
                self.set_time(pos, body, since=parse_time(spec, now=self.now, tz=self.tz))
        except (TimeSpecError, OverflowError):
            raise FilterError(
                f'cannot read the time "{body}" at {pos + 1} — write @6h, @2d, @today, @yesterday, @since:06:00, '
                "@2023-09-19 or @2023-09-19..2023-09-21",
                pos,
            ) from None

    def end_of(self, value: str) -> datetime:
        """The exclusive end of a range: a bare date includes the whole day."""
        when = parse_time(value, now=self.now, tz=self.tz)
        if _DATE.fullmatch(value.strip()):
            local = when.astimezone(self.tz)
            return datetime.combine(local.date() + timedelta(days=1), local.time(), self.tz).astimezone(UTC)
        return when

    def set_time(self, pos: int, body: str, *, since: datetime | None = None, until: datetime | None = None) -> None:
        if (since and self.since) or (until and self.until):
            raise FilterError(f'two time ranges ("{self.time_token}" and "{body}" at {pos + 1}) — keep one', pos)
        self.since = since or self.since
        self.until = until or self.until
        self.time_token = self.time_token or body
        self.any = True

    def build(self) -> Filter:
        negative = " OR ".join(self.negative)
        text = " AND ".join(self.positive)
        exclude = ""
        if self.positive and negative:
            text = f"({text}) NOT ({negative})"  # one MATCH: FTS5 does the exclusion itself
        elif negative:
            exclude = negative
        v = self.values
        return Filter(
            source=self.text, text=text, exclude_text=exclude, words=tuple(self.words),
            sides=tuple(v.get("side", ())), exclude_sides=tuple(v.get("exclude_side", ())),
            actors=tuple(v.get("actor", ())), exclude_actors=tuple(v.get("exclude_actor", ())),
            places=tuple(v.get("place", ())), exclude_places=tuple(v.get("exclude_place", ())),
            sources=tuple(v.get("source", ())), exclude_sources=tuple(v.get("exclude_source", ())),
            languages=tuple(v.get("lang", ())), exclude_languages=tuple(v.get("exclude_lang", ())),
            since=self.since, until=self.until, unread="unread" in self.flags, starred="starred" in self.flags,
            _empty=not (self.any or self.negative),
        )  # fmt: skip


def _side(value: str, pos: int) -> str:
    name = fold(value)
    name = SIDE_ALIASES.get(name, name)
    if name in SIDES:
        return name
    matches = [s for s in SIDES if s.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise FilterError(f"side:{value} at {pos + 1} is ambiguous — write side:{' or side:'.join(matches)}", pos)
    raise FilterError(f'unknown side "{value}" at {pos + 1} — use one of {", ".join(SIDES)}', pos)


def parse_filter(
    text: str | None,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    places: Resolver | None = None,
    actors: Resolver | None = None,
) -> Filter:
    """Parse what the journalist typed. Relative times count back from `now`; dates are in `tz`.

    `places` / `actors` map a typed name to canonical places / actor ids (default: the
    gazetteer in briefing.classify); an empty answer is a FilterError with a hint.
    """
    source = strip_controls(text or "")
    builder = _Builder(source, (now or datetime.now(UTC)).astimezone(UTC), tz or local_zone(), places, actors)
    for raw, pos in _tokens(source.translate(_QUOTES)):
        builder.token(raw, pos)
    return builder.build()


def add_words(flt: Filter, text: str) -> Filter:
    """`flt` narrowed by plain words (every word must match; no field syntax): `items --search`."""
    terms = [term for term, _ in (_fts_term(chunk, phrase=False) for chunk in text.split()) if term]
    if not terms:
        return flt
    combined = " AND ".join(([f"({flt.text})"] if flt.text else []) + terms)
    return replace(flt, text=combined, source=f"{flt.source} {text}".strip(), _empty=False)
