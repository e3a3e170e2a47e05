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

import re
import struct
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

# ----------------------------------------------------------------------------- tunables

WINDOW_HOURS = 48.0  # items further apart in time are never the same story
ROWS_PER_BAND = 2
BANDS = 12  # over all content tokens: a pair with Jaccard 0.3 shares a band 68% of the time
ANCHOR_BANDS = 4  # one row each, over names, concepts and numbers: finds reports in other languages
NUM_HASHES = BANDS * ROWS_PER_BAND + ANCHOR_BANDS
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

# Words, and numbers with their thousands separators ("65,036", "65 036"). The possessive "++" and
# the optional group find what "\d+(?:[.,\s]\d{3})+(?!\d)|\d+|[^\W\d_]+" found (a digit run is
# only ever taken whole), with less backtracking: about 2 µs an item.
_WORD = re.compile(r"[^\W\d_]++|\d++(?:(?:[.,\s]\d{3})+(?!\d))?")
_QUOTE = re.compile(r"[\"“”„«»]([^\"“”„«»]{12,400})[\"“”„«»]")
_VOWELS = frozenset("aeiouy")

# Function words of the languages the feeds use: dropped.
_STOP = frozenset(
    """
    the and for that with from this have has had was were are been will would said says say
    saying told according also after over into about than which their they them its his her
    who what when where while there here not but all can could may might more most other some
    such only just very one two three new news report reports reported reporting statement
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday week day
    january february march april june july august september october november december
    http https www com
    и в во на по с со к о об от из за для что как это его ее её их не но а же бы также так
    был была были было будет года году год заявил заявила сообщил сообщила сообщает
    və ile ilə bu da də ki üçün olan olub edib bildirib
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# The conflict's everyday vocabulary, in any spelling or inflection (compared by skeleton):
# two items are not alike merely for being about the conflict.
_DOMAIN = """
    armenia armenian armenians azerbaijan azerbaijani azerbaijanis azeri karabakh nagorno artsakh
    region president minister ministry prime foreign official officials government country side
    армения азербайджан карабах нагорный президент министр министерство
    azərbaycan ermənistan qarabağ prezident nazir nazirliyi
    հայաստան ադրբեջան ղարաբաղ արցախ նախագահ նախարար
""".split()  # noqa: SIM905

# Words that name the same thing across languages, so a Russian or Azerbaijani report of an
# occurrence shares more than names and numbers with an English one. Keys are folded,
# transliterated prefixes ("=" marks a whole word); values are the concept they stand for.
_CONCEPTS = {
    "peacekeeper": "peacekeep mirotvor sulhmeramli =sulhmeramlilar khaghaghapah",
    "killed": "killed =kill kills =dead death =died =dies pogib ubit =ubil gibel helak oldur olum =zohv spanv",
    "wounded": "wounded injur =hurt ranen ranil postradav yaralan viravor",
    "explosion": "explo blast vzryv partla paytyun",
    "mine": "=mine =mines =mina =miny =minakh =min minalan =akanner",
    "ceasefire": "ceasefire cessation truce =halt prekrashchen atesh hradadar",
    "decree": "decree =ukaz ukazom =ferman hramanagir",
    "detained": "detain arrest zaderzh arest saxlanil dzerbakal",
    "displaced": "refugee displaced =fled =flee fleeing exodus bezhen peremeshchen qachqin kochkun pakhstakan "
                 "teghahanv",
    "cleansing": "cleansing chistk temizle zhtum",
    "ethnic": "ethnic etnich etnik azgayin",
    "former": "former =ex byvsh sabiq naxkin",
    "un": "=un =bmt =oon =mak",
    "mission": "mission missiy",
    "apology": "apolog izvin =uzr neroghutyun",
    "condolence": "condolen sobolezn bashsagh tsavakts",
    "talks": "talks negotiat peregovor danishiq banakts meeting =meets =meet =met vstrech =gorush handip",
    "delegation": "delegat representativ predstavitel numayende nerkayatsutsich",
    "army": "=army =armies =troops armed armiy armii voysk voenn military ordu =ordusu banak zorq",
    "fighting": "fighting hostilit clash boev =boi stolknoven doyush toqqush martakan",
    "depot": "depot warehouse =sklad anbar pahest",
    "border": "border frontier granits pogranich serhed sahman",
    "checkpoint": "checkpoint crossing propuskn =kpp buraxilish antsaket",
    "fuel": "fuel petrol gasoline toplivo benzin =gsm gorjuch yanacaq vareli",
    "defence": "defence defense oboron mudafie pashtpan",
    "terror": "terror antiterror",
    "disarm": "disarm razoruzh terksilah zinatap",
    "withdraw": "withdraw vyvod chixaril durs berel",
    "dissolve": "dissol rospusk legv =cease lutsaru",
    "fire": "shell fired =fire firing obstrel atesh krak",
    "vehicle": "=car =cars vehicle avtomob mashin aftomeq",
    "phone": "phone telefon herakhos",
    "operation": "operation operats emeliyyat gortsoghut",
    "offensive": "offensive nastuplen hucum harzak",
    "agreement": "agree soglash razilash hamadzayn",
    "arrive": "arriv pribyl pribyt =gelib =gelir zhamanel",
    "visit": "visit vizit sefer aytsel",
    "begin": "launch begun =began start nachal nachat bashlan sksel",
    "state": "=state gosudarstv dovlet petakan",
    "institution": "institution uchrezhden qurum hastatut",
    "police": "police politsi =polis vostikan",
    "civilian": "civilian grazhdansk mulki khaghaghatsi",
    "security": "security bezopasn tehlukesiz anvtangut",
    "council": "council =sovet shura khorhurd",
    "hospital": "hospital bolnits gospital xestexana hivandanots",
    "weapons": "weapon arms oruzh silah zenq",
    "investigation": "investigat rassledov arashdir qnnut",
    "aid": "=aid humanitar gumanitar yardim ognutyun",
    "convoy": "convoy kolonn karvan",
    "capture": "captur =took =taken control kontrol nezaret verahskoghut",
}


def _translit(word: str) -> str:
    return word.translate(_TRANSLIT)


def _fold(text: str) -> str:
    text = text.casefold().replace("ու", "u").translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.replace("dzh", "j")


_STOP_FOLDED = frozenset(_fold(w) for w in _STOP)


def skeleton(word: str) -> str:
    """A folded word's stem: its first letter and the following consonants, doubles collapsed,
    every h, kh and x dropped (Russian drops the h of Armenian names, Azerbaijani writes x for
    kh) — so spellings and inflections of one word usually meet: "aliyev"/"aliev" → "alv",
    "harutyunyan"/"arutyunyan" → "artn", "xankendi"/"khankendi" → "anknd"."""
    word = word.replace("kh", "h").replace("x", "h").replace("j", "y").replace("h", "") or word
    out = [word[0]]
    for ch in word[1:]:
        if ch in _VOWELS or ch == out[-1]:
            continue
        out.append(ch)
        if len(out) == SKELETON:
            break
    return "".join(out) if len(out) >= 3 else word  # "shusha" → "susa", not "s"


_DOMAIN_SKELETONS = frozenset(skeleton(_fold(w)) for w in _DOMAIN)
_CONCEPT_PREFIX: dict[str, str] = {}
_CONCEPT_WORD: dict[str, str] = {}
for _concept, _forms in _CONCEPTS.items():
    for _form in _forms.split():
        if _form.startswith("="):
            _CONCEPT_WORD[_fold(_form[1:])] = _concept
        else:
            _CONCEPT_PREFIX[_fold(_form)] = _concept
_PREFIX_LENGTHS = sorted({len(k) for k in _CONCEPT_PREFIX}, reverse=True)


def _token_hash(stem: str) -> int:
    return zlib.crc32(stem.encode())


@lru_cache(maxsize=100_000)
def _stem(word: str) -> tuple[int, bool] | None:
    """A folded word → (its token, whether it is a cross-language concept), or None to drop it."""
    if word in _CONCEPT_WORD:
        return _token_hash("@" + _CONCEPT_WORD[word]), True
    for length in _PREFIX_LENGTHS:
        if length <= len(word) and word[:length] in _CONCEPT_PREFIX:
            return _token_hash("@" + _CONCEPT_PREFIX[word[:length]]), True
    if len(word) < 3 or word in _STOP_FOLDED:
        return None
    stem = skeleton(word)
    if stem in _DOMAIN_SKELETONS:
        return None
    return _token_hash(stem), False


def _number(token: str) -> str | None:
    """A number worth matching, rounded to two significant figures from 1,000 up ("65,036" and
    "more than 65,000" are one figure); small counts and years are everywhere, so None."""
    digits = re.sub(r"\D", "", token)
    if not digits or len(digits) > 9:
        return None
    value = int(digits)
    if value < 10 or 1900 <= value <= 2100:
        return None
    if value >= 1000:
        scale = 10 ** (len(digits) - 2)
        value = round(value / scale) * scale
    return str(value)


_SMALL = frozenset("23456789")
_DATE = 1_000_000_000  # a day of a month is kept among the numbers as _DATE + day
# Month names (folded, transliterated prefixes) in English, Russian, Azerbaijani and Armenian.
_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "yanv", "fev", "iyun", "iyul",
    "avg", "sent", "okt", "noya", "dek", "yanvar", "fevral", "aprel", "avqust", "sentyabr", "oktyabr", "noyabr",
    "dekabr", "unvar", "petrvar", "mayis", "unis", "ulis", "ogostos", "oktember", "noyember", "dektember",
)  # fmt: skip


def _is_date(found: list[str], at: int) -> bool:
    """Is the number at `at` a day of a month (1–31, a month name just before or after it)?
    (terms() calls it only for numbers of two digits or fewer: widen that test with this one.)"""
    if len(found[at]) > 2 or not 1 <= int(found[at]) <= 31:
        return False
    for near in (at - 1, at + 1):
        if 0 <= near < len(found) and not found[near][0].isdigit() and _is_month(found[near]):
            return True
    return False


@lru_cache(maxsize=20_000)
def _is_month(word: str) -> bool:
    """A word as written is a month's name (cached: the words beside numbers repeat)."""
    return _fold(word).replace("h", "").startswith(_MONTHS)


def words(text: str) -> list[str]:
    """Folded, transliterated words and numbers of a text."""
    return _WORD.findall(_fold(text))


@dataclass(frozen=True, slots=True)
class Terms:
    tokens: frozenset[int]  # every content word's token
    anchors: frozenset[int]  # the tokens that survive translation: names, concepts, numbers
    numbers: frozenset[str]


_NUMBER = -1  # what _TOKEN_OF says of a number: decided in context, by its neighbours (never a crc32)
_WORD_CACHE = 200_000  # words remembered, in each of _TOKEN_OF and _ANCHOR_OF


def _learn(raw: str) -> None:
    """File a word as written under _TOKEN_OF (its token, None to drop it, _NUMBER for a number)
    and _ANCHOR_OF (its token when it is an anchor: a concept or a capitalised name, else None)."""
    if len(_TOKEN_OF) >= _WORD_CACHE or len(_ANCHOR_OF) >= _WORD_CACHE:  # a bound, like an lru_cache's
        _TOKEN_OF.clear()
        _ANCHOR_OF.clear()
    if raw[0].isdecimal():  # not isdigit(): "²" and "①" are digits that int() refuses, and _WORD reads them as letters
        _TOKEN_OF[raw], _ANCHOR_OF[raw] = _NUMBER, None
        return
    stemmed = _stem(_fold(raw))
    if stemmed is None:
        _TOKEN_OF[raw] = _ANCHOR_OF[raw] = None
        return
    _TOKEN_OF[raw] = stemmed[0]
    _ANCHOR_OF[raw] = stemmed[0] if stemmed[1] or raw[0].isupper() else None


class _WordTable(dict):
    """A dict that learns the words it has not seen: looked up with map() over a text's words,
    all in C but for new words (most of a day's words are words already seen that day)."""

    def __missing__(self, raw: str) -> int | None:
        _learn(raw)
        return self[raw]


_TOKEN_OF: dict[str, int | None] = _WordTable()
_ANCHOR_OF: dict[str, int | None] = _WordTable()


@lru_cache(maxsize=20_000)
def _number_token(raw: str) -> tuple[str, int] | None:
    """A number as written → (the figure it counts as, its token), or None (see _number)."""
    number = _number(raw)
    return (number, _token_hash("#" + number)) if number else None


def terms(text: str) -> Terms:
    """The content of a text as tokens; names (capitalised words), concepts and numbers are
    also its anchors, which is what a report in another language shares with it."""
    found = _WORD.findall(text)
    # Words by table lookups in C (about 7 µs an item less than a loop over the words);
    # only the numbers are looked at one by one, as they need their neighbours.
    kinds = list(map(_TOKEN_OF.__getitem__, found))
    tokens = set(kinds)
    anchors = set(map(_ANCHOR_OF.__getitem__, found))
    anchors.discard(None)
    numbers: set[str] = set()
    if _NUMBER in tokens:
        tokens.discard(_NUMBER)
        at = -1
        for _ in range(kinds.count(_NUMBER)):
            at = kinds.index(_NUMBER, at + 1)
            raw = found[at]
            if len(raw) <= 2 and _is_date(found, at):  # (as _is_date's first test: spares a call)
                # "on 21 September": every report of the day says it, so not a word to match on;
                # across languages it still helps ("21 сентября"), so a name-like anchor
                numbers.add(str(_DATE + int(raw)))
                anchors.add(_token_hash("#date" + raw))
                continue
            counted = _number_token(raw)
            if counted:
                numbers.add(counted[0])
                tokens.add(counted[1])
                anchors.add(counted[1])
            elif raw in _SMALL:
                numbers.add(raw)  # a count that tells "4 refugees" from "114", not a word to match on
    tokens.discard(None)
    return Terms(frozenset(tokens), frozenset(anchors), frozenset(numbers))


def quotes(text: str) -> tuple[frozenset[int], ...]:
    """The quoted passages (four content words or more), each as a set of tokens."""
    found = []
    for match in _QUOTE.finditer(text):
        tokens = terms(match.group(1)).tokens
        if len(tokens) >= 4:
            found.append(tokens)
    return tuple(found)


def script(text: str) -> str:
    """The script most letters are in: "latin", "cyrillic", "armenian" (or "" for none)."""
    sample = text[:400]
    if not _NOT_LATIN.search(sample):  # most items: one search instead of counting three alphabets
        return "latin" if _SCRIPT_LETTERS["latin"].search(sample) else ""
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_LETTERS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ""


_SCRIPT_LETTERS = {
    "latin": re.compile("[A-Za-z\u00c0-\u024f]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "armenian": re.compile("[\u0530-\u058f]"),
}
_NOT_LATIN = re.compile("[\u0400-\u04ff\u0530-\u058f]")


# ----------------------------------------------------------------------------- MinHash / LSH

_PRIME = (1 << 61) - 1
_MASK = (1 << 63) - 1


def _coefficients() -> tuple[tuple[int, int], ...]:
    import random

    rng = random.Random(20230919)  # fixed: bands must mean the same in every process and run
    return tuple((rng.randrange(1, _PRIME), rng.randrange(0, _PRIME)) for _ in range(NUM_HASHES))


_COEFFS = _coefficients()


def minhash(tokens: Iterable[int], coefficients: tuple[tuple[int, int], ...] = _COEFFS) -> tuple[int, ...]:
    """The MinHash of a token set, in its reference form (signature() takes the two halves it
    needs through _min_rows; tests/test_stories.py holds the two to the same values)."""
    values = tuple(tokens)
    if not values:
        return ()
    if coefficients is _COEFFS:
        return _min_rows(values, _band_hashes) + _min_rows(values, _anchor_hashes)
    return tuple(min([(a * x + b) % _PRIME for x in values]) for a, b in coefficients)  # a list: 20% faster


def _min_rows(values: Iterable[int], rows: Callable[[int], tuple[int, ...]]) -> tuple[int, ...]:
    """The element-wise minimum of the tokens' cached permutation rows, in C."""
    return tuple(map(min, zip(*map(rows, values), strict=True)))


_TEXT_HASHES = BANDS * ROWS_PER_BAND  # the permutations the word bands use; the rest are the anchors'


# News vocabulary repeats (most of a day's word occurrences are words already seen that day), so an
# item's MinHash is mostly an element-wise min over cached rows instead of NUM_HASHES × tokens
# big-integer products in Python. Two tables, as the words' bands and the anchors' use different
# permutations: an item's anchors then cost 4 minimums each, not 28 (about 6 µs an item).
# Bounded: 20,000 rows of 24 values and 20,000 of 4 take about 28 MB.
@lru_cache(maxsize=20_000)
def _band_hashes(token: int) -> tuple[int, ...]:
    """The permutations of one token that the word bands use."""
    return tuple([(a * token + b) % _PRIME for a, b in _COEFFS[:_TEXT_HASHES]])


@lru_cache(maxsize=20_000)
def _anchor_hashes(token: int) -> tuple[int, ...]:
    """The permutations of one token that the anchor bands use."""
    return tuple([(a * token + b) % _PRIME for a, b in _COEFFS[_TEXT_HASHES:]])


def bands(signature: tuple[int, ...], kind: str = "t", rows: int = ROWS_PER_BAND) -> tuple[int, ...]:
    """LSH band keys: items sharing any key are candidates (the band number and kind are
    hashed in, so equal rows in different bands do not meet)."""
    count = len(signature) // rows
    if not count:
        return ()
    written, affixes = _band_layout(kind, rows, count)
    # Every band's values in decimal in one C call (b"%d" writes an integer's digits as str()
    # does), and adler32(value + tail) for adler32(tail, adler32(value)): about 6 µs an item.
    values = (written % tuple(signature[: count * rows])).split(b"\n")
    crc32, adler32 = zlib.crc32, zlib.adler32
    return tuple([(crc32(value, head) | (adler32(value + tail) << 32)) & _MASK  # = _extra_key
                  for value, (head, tail) in zip(values, affixes, strict=True)])  # fmt: skip


@lru_cache(maxsize=64)
def _band_layout(kind: str, rows: int, count: int) -> tuple[bytes, tuple[tuple[int, bytes], ...]]:
    """How `count` bands of `rows` values are written ("%d,%d" a line) and each band's _affixes."""
    written = b"\n".join([",".join(["%d"] * rows).encode()] * count)
    return written, tuple(_affixes(f"{kind}{band}") for band in range(count))


def _extra_key(kind: str, value: str) -> int:
    """crc32 of "kind:value" beside adler32 of "value:kind" (stored: never change the formula)."""
    head, tail = _affixes(kind)
    data = value.encode()
    return (zlib.crc32(data, head) | (zlib.adler32(tail, zlib.adler32(data)) << 32)) & _MASK


@lru_cache(maxsize=256)
def _affixes(kind: str) -> tuple[int, bytes]:
    """The crc32 of "kind:" to continue from, and the ":kind" that ends the adler32 input."""
    return zlib.crc32(f"{kind}:".encode()), f":{kind}".encode()


# ----------------------------------------------------------------------------- signatures


@dataclass(frozen=True, slots=True)
class Signature:
    """What the story decision needs of an item's text; stored with the item."""

    tokens: frozenset[int]
    anchors: frozenset[int] = frozenset()
    numbers: frozenset[str] = frozenset()
    quotes: tuple[frozenset[int], ...] = ()
    script: str = ""
    keys: tuple[int, ...] = field(default=(), compare=False)  # LSH bands + number and quote keys
    # the token sets as bit masks, for a first look at a candidate in a fraction of a microsecond
    mask: int = field(default=0, compare=False, repr=False)
    anchor_mask: int = field(default=0, compare=False, repr=False)
    counts: frozenset[str] = field(default=frozenset(), compare=False, repr=False)  # _counts(numbers), once

    def __post_init__(self) -> None:
        object.__setattr__(self, "mask", _mask(self.tokens))
        object.__setattr__(self, "anchor_mask", _mask(self.anchors))
        object.__setattr__(self, "counts", _counts(self.numbers))

    def __reduce__(self) -> tuple:
        """Pickled (parse worker → writer) without the masks and counts, which are derived: a
        4096-bit mask is 512 bytes, and they made three quarters of a cold poll's 22 MB of results."""
        return Signature, (self.tokens, self.anchors, self.numbers, self.quotes, self.script, self.keys)

    def to_blob(self, day: int | None = None) -> bytes:
        """Stored form: packed integers (compact and quick to read back; never pickle, the
        database is data, not code). `day` is when the keys were filed, for an edit to undo."""
        words = [*sorted(self.tokens), *sorted(self.anchors), *sorted(int(n) for n in self.numbers)]
        for quote in self.quotes:
            words += [len(quote), *sorted(quote)]
        head = struct.pack(_HEAD, _BLOB_VERSION, _SCRIPTS.index(self.script) if self.script in _SCRIPTS else 0,
                           _NO_DAY if day is None else day, len(self.tokens), len(self.anchors), len(self.numbers),
                           len(self.quotes), len(self.keys))  # fmt: skip
        return head + array("I", words).tobytes() + array("q", self.keys).tobytes()

    @classmethod
    def from_blob(cls, blob: bytes | None) -> Signature | None:
        """The signature back, or None for anything this version did not write."""
        try:
            if not blob or blob[0] != _BLOB_VERSION:
                return None
            _, script_, _, n_tokens, n_anchors, n_numbers, n_quotes, n_keys = struct.unpack_from(_HEAD, blob)
            size = len(blob) - _HEAD_SIZE - 8 * n_keys
            words = array("I", blob[_HEAD_SIZE : _HEAD_SIZE + size])
            keys = array("q", blob[_HEAD_SIZE + size :])
            at = n_tokens + n_anchors + n_numbers
            quotes = []
            for _ in range(n_quotes):
                length = words[at]
                quotes.append(frozenset(words[at + 1 : at + 1 + length]))
                at += 1 + length
        except (struct.error, ValueError, TypeError, IndexError):
            return None
        if at != len(words):  # damaged: the counts and lengths do not add up to what is there
            return None
        return cls(
            frozenset(words[:n_tokens]), frozenset(words[n_tokens : n_tokens + n_anchors]),
            frozenset(str(n) for n in words[n_tokens + n_anchors : n_tokens + n_anchors + n_numbers]),
            tuple(quotes), _SCRIPTS[script_] if script_ < len(_SCRIPTS) else "", tuple(keys),
        )  # fmt: skip

    @staticmethod
    def keys_from_blob(blob: bytes | None) -> tuple[int, ...]:
        """Only the band keys: what filing an item needs, without decoding the rest."""
        try:
            if not blob or blob[0] != _BLOB_VERSION:
                return ()
            n_keys = struct.unpack_from(_HEAD, blob)[-1]
            return tuple(array("q", blob[len(blob) - 8 * n_keys :])) if n_keys else ()
        except (struct.error, ValueError, TypeError, IndexError):
            return ()

    @staticmethod
    def day_from_blob(blob: bytes | None) -> int | None:
        """The day the item's keys were filed under (see store.stories)."""
        try:
            if not blob or blob[0] != _BLOB_VERSION:
                return None
            day = struct.unpack_from(_HEAD, blob)[2]
        except (struct.error, TypeError, IndexError):
            return None
        return None if day == _NO_DAY else day


_BLOB_VERSION = 1
_HEAD = "<BBiHHHHH"
_HEAD_SIZE = struct.calcsize(_HEAD)
_NO_DAY = -(2**31)
_SCRIPTS = ("", "latin", "cyrillic", "armenian")


def signature(title: str, summary: str) -> Signature:
    """An item's signature: cheap enough for every item, done in the parse workers."""
    text = f"{title}\n{summary}"
    found = terms(text)
    quoted = quotes(text)
    keys = list(bands(_min_rows(found.tokens, _band_hashes), "t")) if found.tokens else []
    if len(found.anchors) >= 3:  # fewer cannot make a match across languages (see same_story)
        keys += bands(_min_rows(found.anchors, _anchor_hashes), "a", rows=1)
    if found.numbers:
        # counts, not days of a month; sorted: a set's order follows the process's string hashing,
        # and the order of the keys breaks ties between candidates (two workers must agree)
        keys += [_extra_key("n", n) for n in sorted(found.numbers) if 3 <= len(n) < 10]
    if quoted:
        keys += [_extra_key("q", str(min(q))) for q in quoted]
    return Signature(found.tokens, found.anchors, found.numbers, quoted, script(text), tuple(dict.fromkeys(keys)))


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
    language: str | None = None
    # worked out once per item, not once per comparison (an item meets up to 20 candidates)
    specific: frozenset[str] = field(default=frozenset(), init=False, compare=False, repr=False)
    lang: str | None = field(default=None, init=False, compare=False, repr=False)
    moment: int | None = field(default=None, init=False, compare=False, repr=False)  # see _moment

    def __post_init__(self) -> None:
        object.__setattr__(self, "specific", _specific(self.places) if self.places else frozenset())
        object.__setattr__(self, "lang", _language(self.language))
        object.__setattr__(self, "moment", _moment(self.published))


def _moment(published: datetime) -> int | None:
    """Microseconds since 1970 for a datetime at a fixed UTC offset (what the store reads), so a
    comparison subtracts two integers instead of two datetimes (about 0.2 µs a comparison). For
    those, the difference is exactly the datetimes' difference; for any other (naive, or a zone
    with summer time, which Python subtracts as wall-clock times when both share it) None: the
    comparison subtracts the datetimes as before."""
    if type(published) is datetime and isinstance(published.tzinfo, timezone):
        return (published - _EPOCH) // _MICROSECOND
    return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Match:
    same: bool
    score: float
    reason: str


NO = Match(False, 0.0, "")
_NONE: frozenset[str] = frozenset()


def _quote_shared(a: tuple[frozenset[int], ...], b: tuple[frozenset[int], ...]) -> bool:
    for qa in a:
        for qb in b:
            common = len(qa & qb)
            if common >= 4 and common >= 0.7 * min(len(qa), len(qb)):
                return True
    return False


def _ratio(a: frozenset, b: frozenset) -> tuple[int, float, float]:
    """(shared, Jaccard, containment in the smaller)."""
    common = len(a & b)
    if not common:
        return 0, 0.0, 0.0
    return common, common / (len(a) + len(b) - common), common / min(len(a), len(b))


# Places so wide that sharing them says nothing about the occurrence.
_BROAD_PLACES = frozenset(
    ("nagorno-karabakh", "karabakh", "artsakh", "azerbaijan", "armenia", "baku", "yerevan", "russia", "moscow",
     "turkey", "ankara", "iran", "tehran", "south caucasus")
)  # fmt: skip


def _specific(places: frozenset[str]) -> frozenset[str]:
    return frozenset(p for p in places if p.casefold() not in _BROAD_PLACES)


def _counts(numbers: frozenset[str]) -> frozenset[str]:
    """The numbers that count something (days of a month left out)."""
    return frozenset(n for n in numbers if len(n) < 10)


def _language(lang: str | None) -> str | None:
    return lang.split("-")[0].lower() if lang else None


def _mask(tokens: frozenset[int]) -> int:
    mask = 0
    for token in tokens:
        mask |= 1 << (token & _MASK_BITS)
    return mask


_MASK_BITS = 4095


def worth_comparing(a: Signature, b: Signature) -> bool:
    """A cheap first look: `same_story` never says yes in one language to items sharing fewer
    than three words or a quarter of the shorter's, nor across languages to items sharing fewer
    than three names, concepts or numbers (the same link aside). Counted on 4096-bit masks, so
    two shared words that fall on one bit (about 1 pair in 4,000) count once."""
    common = (a.mask & b.mask).bit_count()
    if common >= 3 and common * 4 >= min(len(a.tokens), len(b.tokens)):
        return True
    return (a.anchor_mask & b.anchor_mask).bit_count() >= 3


def same_feed_apart(a: Candidate, b: Candidate) -> bool:
    """`same_story`'s cheapest certain no, for a caller that compares an item with many: two items
    of one feed (not under one link) whose names and numbers differ. In a big poll most of an
    item's candidates are its own feed's items, and this test is a third of a call's cost."""
    return (
        a.feed_id is not None and a.feed_id == b.feed_id and a.signature.anchors != b.signature.anchors
        and not (a.link_key and a.link_key == b.link_key)
    )  # fmt: skip


def same_story(a: Candidate, b: Candidate, *, window_hours: float = WINDOW_HOURS, worth: bool = False) -> Match:
    """Do `a` and `b` report the same occurrence? Returns the verdict, a score and why.

    Words decide; numbers, actors and places support a middling match and veto a false one:
    different numbers or (for near-identical wording) disjoint places say no; two different
    speakers need more than a middling match.
    One outlet does not report one occurrence twice, so two items of a feed must be near copies.
    `worth`: the caller has already seen `worth_comparing` say yes (the store's candidates have).

    Most comparisons end in a no (the store makes about 20 an item), so every no is taken as
    soon as it is certain: a no's test may come before another no's, never before a yes's.
    """
    if a.moment is not None and b.moment is not None:
        hours = abs(a.moment - b.moment) / 1_000_000 / 3600  # = timedelta.total_seconds(), to the bit
    else:
        hours = abs((a.published - b.published).total_seconds()) / 3600
    if hours > window_hours:
        return NO
    if a.link_key and a.link_key == b.link_key:
        return Match(True, 1.0, "same link")
    sa, sb = a.signature, b.signature
    if not worth and not worth_comparing(sa, sb):
        return NO
    counts_a, counts_b = sa.counts, sb.counts
    if a.feed_id is not None and a.feed_id == b.feed_id:
        # a feed's own items: only a near copy, with the same names and numbers, in the same place
        # (the first test is same_feed_apart's: keep the two in step)
        if sa.anchors != sb.anchors or (counts_a and counts_b and counts_a.isdisjoint(counts_b)):
            return NO
        if a.specific and b.specific and a.specific.isdisjoint(b.specific):
            return NO
        _, jaccard, _ = _ratio(sa.tokens, sb.tokens)
        return Match(True, jaccard, "the same feed's copy") if jaccard >= 0.8 else NO
    conflict = bool(counts_a and counts_b and counts_a.isdisjoint(counts_b))  # 40 dead is not 68 dead
    places_a = a.specific if b.places else _NONE
    places_b = b.specific if places_a else _NONE
    # Kalbajar is not Lachin, however alike the wording. (Not across languages: there the
    # gazetteer may name one checkpoint two ways.)
    elsewhere = bool(places_a and places_b and places_a.isdisjoint(places_b))
    quoted = bool(sa.quotes and sb.quotes)
    if conflict and elsewhere and not quoted:
        return NO  # below, only a shared quote says yes to numbers and places that disagree
    if quoted and _quote_shared(sa.quotes, sb.quotes) and _ratio(sa.tokens, sb.tokens)[2] >= 0.25:
        return Match(True, 0.9, "same quoted words")
    la, lb = a.lang, b.lang
    translated = (sa.script and sb.script and sa.script != sb.script) or (la and lb and la != lb)
    if not translated:
        if elsewhere:  # the one yes left ("same words") needs the same place
            return NO
        common, jaccard, containment = _ratio(sa.tokens, sb.tokens)
        if jaccard >= 0.6 and common >= 3 and not (conflict and jaccard < 0.9):
            return Match(True, jaccard, "same words")
        if conflict or hours > 24:
            return NO  # most comparisons end here: what follows is worked out only when it can matter
        if jaccard >= 0.4 and containment >= 0.55 and common >= 4:
            return Match(True, jaccard, "alike words")
        if jaccard < 0.2 or containment < 0.38 or common < 4:
            return NO
        numbers = sum(len(n) > 1 for n in counts_a & counts_b)  # support: a small count is too common
        entities = len(a.actors & b.actors) + len(places_a & places_b) + bool(a.speaker and a.speaker == b.speaker)
        anchors, anchor_jaccard, _ = _ratio(sa.anchors, sb.anchors)
        support = numbers + entities + (anchors >= 2 and anchor_jaccard >= 0.5)
        # a claim and its denial share much wording; two speakers make it two statements
        two_voices = bool(a.speaker and b.speaker and a.speaker != b.speaker
                          and a.speaker not in b.actors and b.speaker not in a.actors)  # fmt: skip
        if support and not two_voices:
            return Match(True, jaccard, "alike words, same names, numbers, actors or places")
        return NO
    if conflict or hours > 12:  # a report in another language: a translation follows within hours
        return NO
    numbers = sum(len(n) > 1 for n in counts_a & counts_b)
    dates = len(sa.numbers & sb.numbers) - len(counts_a & counts_b)
    entities = len(a.actors & b.actors) + len(places_a & places_b) + bool(a.speaker and a.speaker == b.speaker)
    anchors, anchor_jaccard, anchor_containment = _ratio(sa.anchors, sb.anchors)
    if anchors >= 3 and anchor_containment >= 0.5 and (numbers or dates or entities >= 2):
        return Match(True, anchor_jaccard, "same names, numbers and concepts in another language")
    if anchors >= 5 and anchor_containment >= 0.6:
        return Match(True, anchor_jaccard, "same names and concepts in another language")
    if anchors >= 3 and entities >= 3 and places_a & places_b:
        return Match(True, anchor_jaccard, "same actors and place in another language")
    return NO
