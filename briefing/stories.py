"""Stories, not copies: deciding that two items report the same occurrence. Pure; no I/O.

An item's text becomes a `Signature` (computed where the item is parsed, so the writer thread
stays cheap): a set of word stems, the distinctive numbers, the quoted passages, and a MinHash
whose LSH bands are the keys under which the store files the item. At ingest the store fetches
the items that share a key within the time window (an index lookup, the same cost on day 300 as
on day 1) and asks `same_story` about each.

Why these signals:
- Word stems after transliteration (Cyrillic and Armenian → Latin) and a consonant skeleton, so
  "Aliyev"/"Aliev"/"Алиев" and "apologises"/"apologized" are one token; the conflict's everyday
  vocabulary ("Armenia", "Karabakh", "president", "said") is dropped, so two items are not alike
  merely for being about the conflict.
- Numbers ("100,000 refugees", "200 killed") and quoted words are what copies keep verbatim.
- The same link is the same article.
- Shared actors and places (from the classifier) support a middling text match; they never make
  a match on their own, so two statements by the same minister on the same day stay apart.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

# ----------------------------------------------------------------------------- tunables

WINDOW_HOURS = 48.0  # items further apart in time are never the same story
NUM_HASHES = 36
ROWS_PER_BAND = 3
BANDS = NUM_HASHES // ROWS_PER_BAND
SKELETON = 5  # letters of a word's consonant skeleton kept as its stem

# ----------------------------------------------------------------------------- normalisation

_CYRILLIC = dict(zip(
    "абвгдежзийклмнопрстуфхцчшщъыьэюяєіїґў",
    ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ye", "i", "yi", "g", "u"],
    strict=True,
))  # fmt: skip
_ARMENIAN = dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    ["a", "b", "g", "d", "e", "z", "e", "e", "t", "zh", "i", "l", "kh", "ts", "k", "h", "dz", "gh",
     "ch", "m", "y", "n", "sh", "o", "ch", "p", "j", "r", "s", "v", "t", "r", "ts", "v", "p", "k",
     "o", "f"],
    strict=True,
))  # fmt: skip
_LATIN_EXTRA = {"ı": "i", "ə": "e", "ş": "sh", "ç": "ch", "ğ": "gh", "ß": "ss", "ё": "e", "և": "ev"}
_TRANSLIT = str.maketrans({**_CYRILLIC, **_ARMENIAN, **_LATIN_EXTRA})

_WORD = re.compile(r"\d+(?:[.,\s]\d{3})+(?!\d)|\d+|[^\W\d_]+")
_QUOTE = re.compile(r"[\"“”„«»]([^\"“”„«»]{12,400})[\"“”„«»]")
_VOWELS = frozenset("aeiouy")

# Words that say nothing about which occurrence an item reports: function words of the
# languages the feeds use, and the conflict's everyday vocabulary.
_STOP = frozenset(
    """
    the and for that with from this have has had was were are been will would said says say
    saying told according also after over into about than which their they them its his her
    who what when where while there here not but all can could may might more most other some
    such only just very one two three new news report reports reported reporting statement
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday week day
    january february march april june july august september october november december
    armenia armenian armenians azerbaijan azerbaijani azerbaijanis azeri karabakh nagorno
    artsakh region president minister ministry prime foreign official officials government
    country side http https www com
    и в во на по с со к о об от из за для что как это его ее её их не но а же бы также так
    был была были было будет года году год заявил заявила сообщил сообщила сообщает
    армения армении азербайджан азербайджана азербайджанской карабах карабаха нагорный нагорного
    президент министр министерство
    və ile ilə bu da də ki üçün olan olub edib bildirib azərbaycan azərbaycanın ermənistan
    ermənistanın qarabağ prezident nazir nazirliyi
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def _translit(word: str) -> str:
    return word.translate(_TRANSLIT)


def _fold(text: str) -> str:
    text = text.casefold().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STOP_FOLDED = frozenset(_fold(w) for w in _STOP)


def skeleton(word: str) -> str:
    """A folded word's stem: its first letter and the following consonants, doubles collapsed,
    "kh" read as "x" — so spellings and inflections of one word usually meet."""
    word = word.replace("kh", "x").replace("j", "y")
    out = [word[0]]
    for ch in word[1:]:
        if ch in _VOWELS or ch == out[-1]:
            continue
        out.append(ch)
        if len(out) == SKELETON:
            break
    return "".join(out)


def _number(token: str) -> str | None:
    digits = re.sub(r"\D", "", token)
    if not digits or len(digits) > 9:
        return None
    value = int(digits)
    if value < 10 or 1900 <= value <= 2100:
        return None  # small counts and years are everywhere
    return str(value)


def _token_hash(stem: str) -> int:
    return zlib.crc32(stem.encode())


def words(text: str) -> list[str]:
    """Folded, transliterated words and numbers of a text."""
    return _WORD.findall(_fold(text))


def stems(text: str) -> tuple[frozenset[int], frozenset[str]]:
    """(hashed stems of the content words, distinctive numbers)."""
    tokens: set[int] = set()
    numbers: set[str] = set()
    for word in words(text):
        if word[0].isdigit():
            number = _number(word)
            if number:
                numbers.add(number)
                tokens.add(_token_hash("#" + number))
            continue
        if len(word) < 3 or word in _STOP_FOLDED:
            continue
        tokens.add(_token_hash(skeleton(word)))
    return frozenset(tokens), frozenset(numbers)


def quotes(text: str) -> tuple[frozenset[int], ...]:
    """The quoted passages (four content words or more), each as a set of hashed stems."""
    found = []
    for match in _QUOTE.finditer(text):
        tokens, _ = stems(match.group(1))
        if len(tokens) >= 4:
            found.append(tokens)
    return tuple(found)


# ----------------------------------------------------------------------------- MinHash / LSH

_PRIME = (1 << 61) - 1
_MASK = (1 << 63) - 1


def _coefficients() -> tuple[tuple[int, int], ...]:
    import random

    rng = random.Random(20230919)  # fixed: bands must mean the same in every process and run
    return tuple((rng.randrange(1, _PRIME), rng.randrange(0, _PRIME)) for _ in range(NUM_HASHES))


_COEFFS = _coefficients()


def minhash(tokens: Iterable[int]) -> tuple[int, ...]:
    values = tuple(tokens)
    if not values:
        return ()
    return tuple(min((a * x + b) % _PRIME for x in values) for a, b in _COEFFS)


def bands(signature: tuple[int, ...]) -> tuple[int, ...]:
    """LSH band keys: items sharing any key are candidates. Distinct bands never collide by
    construction of the mix (the band number is hashed in)."""
    if not signature:
        return ()
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        key = zlib.crc32(repr((band, rows)).encode()) | (zlib.adler32(repr(rows).encode()) << 32)
        keys.append(key & _MASK)
    return tuple(keys)


def _extra_key(kind: str, value: str) -> int:
    return (zlib.crc32(f"{kind}:{value}".encode()) | (zlib.adler32(f"{value}:{kind}".encode()) << 32)) & _MASK


# ----------------------------------------------------------------------------- signatures


@dataclass(frozen=True, slots=True)
class Signature:
    """What the story decision needs of an item's text; stored with the item."""

    tokens: frozenset[int]
    numbers: frozenset[str] = frozenset()
    quotes: tuple[frozenset[int], ...] = ()
    keys: tuple[int, ...] = field(default=(), compare=False)  # LSH bands + number and quote keys

    def to_blob(self, day: int | None = None) -> bytes:
        """Stored form: JSON lists (never pickle: the database is data, not code)."""
        return json.dumps(
            [sorted(self.tokens), sorted(self.numbers), [sorted(q) for q in self.quotes], list(self.keys), day],
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_blob(cls, blob: bytes | str | None) -> Signature | None:
        if not blob:
            return None
        try:
            tokens, numbers, quoted, keys, _ = json.loads(blob)
            return cls(frozenset(tokens), frozenset(numbers), tuple(frozenset(q) for q in quoted), tuple(keys))
        except (ValueError, TypeError):
            return None

    @staticmethod
    def day_from_blob(blob: bytes | str | None) -> int | None:
        """The day the item's keys were filed under (see store.stories)."""
        try:
            day = json.loads(blob)[4] if blob else None
        except (ValueError, TypeError, IndexError):
            return None
        return day if isinstance(day, int) else None


def signature(title: str, summary: str) -> Signature:
    """An item's signature: cheap enough for every item, done in the parse workers."""
    text = f"{title}\n{summary}"
    tokens, numbers = stems(text)
    quoted = quotes(text)
    keys = list(bands(minhash(tokens)))
    keys.extend(_extra_key("n", n) for n in numbers if len(n) >= 3)
    keys.extend(_extra_key("q", str(min(q))) for q in quoted)
    return Signature(tokens, numbers, quoted, tuple(dict.fromkeys(keys)))


# ----------------------------------------------------------------------------- the decision


@dataclass(frozen=True, slots=True)
class Candidate:
    """One side of a comparison: an item as the decision sees it."""

    signature: Signature
    published: datetime
    link_key: str | None = None
    feed_id: int | None = None
    speaker: str | None = None
    actors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    same: bool
    score: float
    reason: str


NO = Match(False, 0.0, "")


def _quote_shared(a: tuple[frozenset[int], ...], b: tuple[frozenset[int], ...]) -> bool:
    for qa in a:
        for qb in b:
            common = len(qa & qb)
            if common >= 4 and common >= 0.7 * min(len(qa), len(qb)):
                return True
    return False


def same_story(a: Candidate, b: Candidate, *, window_hours: float = WINDOW_HOURS) -> Match:
    """Do `a` and `b` report the same occurrence? Returns the verdict, a score and why."""
    hours = abs((a.published - b.published).total_seconds()) / 3600
    if hours > window_hours:
        return NO
    if a.link_key and a.link_key == b.link_key:
        return Match(True, 1.0, "same link")
    sa, sb = a.signature, b.signature
    if not sa.tokens or not sb.tokens:
        return NO
    common = len(sa.tokens & sb.tokens)
    if common == 0:
        return NO
    jaccard = common / (len(sa.tokens) + len(sb.tokens) - common)
    containment = common / min(len(sa.tokens), len(sb.tokens))
    numbers = len(sa.numbers & sb.numbers)
    entities = len(a.actors & b.actors) + len(a.places & b.places) + int(bool(a.speaker and a.speaker == b.speaker))
    conflicting_numbers = bool(sa.numbers and sb.numbers and not numbers)
    if _quote_shared(sa.quotes, sb.quotes) and (containment >= 0.25 or numbers):
        return Match(True, 0.9, "same quoted words")
    if jaccard >= 0.5 and not (conflicting_numbers and jaccard < 0.7):
        return Match(True, jaccard, "same words")
    support = numbers + min(entities, 2)
    if jaccard >= 0.3 and containment >= 0.45 and support >= 1 and not conflicting_numbers:
        return Match(True, jaccard, "alike words, same numbers/actors/places")
    if containment >= 0.3 and numbers >= 1 and entities >= 2:
        return Match(True, containment * 0.8, "same numbers, actors and places")
    return NO
