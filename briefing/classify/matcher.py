"""A precompiled phrase matcher over tokens: whole words, folded, with inflected endings.

Why tokens and dictionaries rather than one big regex: matching on tokens gives word boundaries
for free ("war" never matches "warning"), a dictionary lookup per token is the cheapest thing
Python does, and the result of looking a token up is cached — news vocabulary repeats, so most
tokens cost one dict hit. Phrases of several words are checked only when their first word hits.

Three ways a pattern token can match a text token:
- EXACT: the same folded token;
- PREFIX: the text token starts with it and has at most MAX_SUFFIX more letters (Russian and
  Armenian case endings: Степанакерте, Ստեփանակերտում; cue stems written `заявил*`);
- AZ: the text token is it plus one Azerbaijani case/number suffix (Xankəndiyə, Bakıdan,
  Şuşanın) — a closed list, so English words are not stretched ("Iran" never becomes "Irani…"
  unless that is an Azerbaijani ending), and in vowel harmony: after an e-stem no back-vowel
  ending, after an a-stem no front-vowel one ("Aliyeva" is a woman, not "Aliyev" inflected);
- HY: a short Armenian name (four letters or fewer) plus one Armenian case ending from a closed
  list — as a free prefix "Ակնա" (Aghdam) would be the start of ակնարկ (hint);
- RU: a Russian proper name (capitalised in the gazetteer) plus one case or adjective ending from
  a closed list (Трампа, Пашиняном, карабахский) — as a free prefix "Трамп" was the start of
  трамплин (springboard). Lower-case Cyrillic names (миротворцы) keep PREFIX.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from .folding import match_fold, tokenize

EXACT, PREFIX, AZ, HY, RU = 0, 1, 2, 3, 4
MAX_SUFFIX = 5
ENTITY, CUE = 0, 1  # layers: longest match wins within a layer; layers may overlap

# Azerbaijani case, possessive and plural endings, folded (ı→i, ə→e), with buffer letters.
_AZ_ENDINGS = """a e i u ya ye yi yu da de ta te dan den tan ten in nin un nun na ne ni nu
daki deki taki teki li lu lar ler larin lerin dir dur la le ca ce si su sinin sunun nde nda nden ndan"""
AZ_SUFFIXES = frozenset(_AZ_ENDINGS.split())
# Vowel harmony, folded: an ending with a back vowel never follows a stem whose last vowel is e
# (ə or e), nor one with e a stem whose last vowel is a. (i, o and u fold two vowels each: no test.)
_AZ_BACK = frozenset(x for x in AZ_SUFFIXES if "a" in x or "u" in x)
_AZ_FRONT = frozenset(x for x in AZ_SUFFIXES if "e" in x)
# Armenian case, number and article endings (folded; և is "եւ"), after a consonant or, with the
# glide "յ", after a vowel: Ակնայում, Տավուշից, Սոթքի.
_HY_ENDINGS = "ի ին ից ով ում ն ը ու ուն ումը իցը ովը եր երը երի երում երից յի յին յից յով յում յան"
HY_SUFFIXES = frozenset(_HY_ENDINGS.split())
# Russian noun and adjective endings (folded: й → и, ё → е), and the adjectives and demonyms a
# place name makes (Карабах → карабахский, Ереван → ереванцы).
_RU_ENDINGS = """а я у ю о е и ы ь ом ем ым им ои еи ою ею ов ев ам ям ами ями ах ях ых их ому ему ого его ую юю
ая яя ое ее ые ие ыи ии ыми ими ская ское ские скии ского скои скую ским ских скими скому ском
цы цев цам цами цах ец ца цу це цем"""
RU_SUFFIXES = frozenset(_RU_ENDINGS.split())
# English words that look like a name plus an Azerbaijani ending but are not that name.
NOT_INFLECTED = frozenset({"azerbaijani", "azerbaijanis", "karabakhi", "irani", "bakuda"})

# Short acronyms that are ordinary words in lower case ("US"/"us", "UN"/"un", Armenian "ԵՄ"/"եմ").
# They match only when written in capitals: the text is rewritten before folding (US → USACR),
# and so are the gazetteer's and the cue table's entries, through the same function.
_DOTTED = re.compile(r"\bU\.S\.A\.|\bU\.S\.|\bU\.N\.|\bU\.K\.")  # all start "U.": prepare() tests that
_ACRONYM_WORDS = ("US", "UN", "EU", "AP", "UK", "PACE", "ԵՄ", "Aİ")  # USA contains US
_ACRONYMS = re.compile(r"(?<!\w)(US|USA|UN|EU|AP|UK|PACE|ԵՄ|Aİ)(?!\w)")


def _has_acronym(text: str) -> bool:
    """Does the text contain one of _ACRONYM_WORDS anywhere (as a substring)? Most texts have no
    capital U, and a one-letter substring test is a memchr: ~1k instructions where one regex
    search for the eight words took ~8k, eight substring tests ~4k."""
    return (("U" in text and ("US" in text or "UN" in text or "UK" in text or "EU" in text))
            or "AP" in text or "PACE" in text or "ԵՄ" in text or "Aİ" in text)


assert all(_has_acronym(word) for word in _ACRONYM_WORDS), "_has_acronym misses an acronym"


# Russian common words that a gazetteer name becomes in lower case: "в газах" (in gases) is not
# the Gazakh district (Газах), "мешки песков" (sacks of sand) not the Kremlin's spokesman (Песков).
# Russian writes a name with a capital, so only the lower-case word is set apart (a hard sign makes
# it another token), the way the acronyms above are.
_RU_COMMON = re.compile(r"(?<!\w)(газах|песков)(?!\w)")


def _undot(m: re.Match[str]) -> str:
    return m.group(0).replace(".", "")


def prepare(text: str) -> str:
    """Raw text → match-folded text, with the case-sensitive acronyms protected. (rules reads a
    summary sentence by sentence, split at ". ": no rewriting here may make a token span ". ".)"""
    if "U." in text:
        text = _DOTTED.sub(_undot, text)
    if _has_acronym(text):  # the substitution itself is ~4x dearer than this test
        text = _ACRONYMS.sub(r"\1ACR", text)
    if "газах" in text or "песков" in text:  # the words _RU_COMMON sets apart
        text = _RU_COMMON.sub(r"\1ъ", text)
    return match_fold(text)


def words(text: str) -> list[str]:
    """Raw text → tokens, as the matcher sees them."""
    return tokenize(prepare(text))


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARMENIAN = re.compile(r"[\u0530-\u058f]")
# folded: й has lost its breve (ий → ии)
_RU_ADJ_ENDINGS = ("ыи", "ии", "ои", "ая", "яя", "ое", "ее", "ые", "ие")
_RU_VOWELS = "аяоеиыуюь"
_RU_INDECLINABLE = "уиыоею"


def entity_pattern(token: str, proper: bool = False) -> tuple[str, int]:
    """How a gazetteer name's token matches inflected text: by script.

    Russian: a word declines from its stem (Армения → Армении, Кремль → Кремля, миротворцы →
    миротворцев), but a proper name in -у/-и/-ы/-о/-е does not (Баку, Тбилиси, Ходжалы), so it
    keeps its last letter — cut to "бак", Baku was every fuel tank (бак, баки)."""
    if _CYRILLIC.search(token):
        if len(token) <= 2:
            return token, EXACT  # в, на, по, о: a preposition inside a name ("Миссия ЕС в Армении") is no stem
        stem = token
        if len(token) > 5 and token.endswith(_RU_ADJ_ENDINGS):
            stem = token[:-2]
        elif (len(token) > 3 and token[-1] in _RU_VOWELS and not (proper and token[-1] in _RU_INDECLINABLE)) or (
                token[-1] == "и" and token[-2] in _RU_VOWELS):
            stem = token[:-1]  # "и" after a vowel is a folded й: Китай → Китая
        return stem, RU if proper else PREFIX
    if _ARMENIAN.search(token):
        if len(token) < 3:
            return token, EXACT
        return token, HY if len(token) <= 4 else PREFIX
    if len(token) >= 4 and token.isalpha():
        return token, AZ
    return token, EXACT


def entity_patterns(alias: str) -> list[tuple[str, int]]:
    """A gazetteer name's tokens as patterns. An acronym does not decline: a Cyrillic one (ОБСЕ,
    НАТО) keeps its last letter — cut to its stem it would match ordinary words, "обс" is the start
    of обстрел (shelling), "нат" of натиск (onslaught) —, an Armenian one (ՄԱԿ, ԱՄՆ) matches whole,
    its case ending follows a hyphen (ՄԱԿ-ի): "մակ" is the start of մակարդակ (level)."""
    acronyms: dict[str, int] = {}
    proper: set[str] = set()  # capitalised Cyrillic words: names, which may not decline
    for w in _RAW_WORD.findall(alias):
        if len(w) > 1 and w.isupper() and (_CYRILLIC.search(w) or _ARMENIAN.search(w)):
            acronyms[match_fold(w)] = PREFIX if _CYRILLIC.search(w) and len(w) > 2 else EXACT
        elif w[:1].isupper() and _CYRILLIC.search(w):
            proper.add(match_fold(w))
    tokens = words(alias)
    patterns = [(t, acronyms[t]) if t in acronyms else entity_pattern(t, t in proper) for t in tokens]
    # Armenian declines only a phrase's last word: "Տեղ գյուղում" (in the village of Tegh), never
    # "Տեղի գյուղ" — "տեղի" is also "local", and "Տեղ համայնք" must not match "տեղի համայնք".
    for k in range(len(patterns) - 1):
        if _ARMENIAN.search(patterns[k][0]):
            patterns[k] = (tokens[k], EXACT)
    return patterns


_RAW_WORD = re.compile(r"\w+")


def token_matches(tok: str, pat: str, mode: int) -> bool:
    if mode == EXACT:
        return tok == pat
    if not tok.startswith(pat):
        return False
    extra = len(tok) - len(pat)
    if mode == PREFIX:
        return extra <= MAX_SUFFIX
    if extra == 0:
        return True
    ending = tok[len(pat) :]
    if mode == HY:
        return ending in HY_SUFFIXES
    if mode == RU:
        return ending in RU_SUFFIXES
    if ending not in AZ_SUFFIXES or tok in NOT_INFLECTED:
        return False
    vowel = _last_vowel(pat)
    return not ((vowel == "e" and ending in _AZ_BACK) or (vowel == "a" and ending in _AZ_FRONT))


def _last_vowel(token: str) -> str:
    for ch in reversed(token):
        if ch in "aeiou":
            return ch
    return ""


class Matcher:
    """Phrases (token patterns) → payloads; `scan(tokens)` finds them, longest first per layer."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, tuple[tuple[str, int], ...]], list] = {}
        self._patterns: list[tuple[tuple[tuple[str, int], ...], int, tuple]] = []
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        # token → () for nothing, else (cues, names, pairs, stems); scan() holds its .get: clear
        # it in place, never rebind it
        self._cache: dict[str, tuple] = {}

    def add(self, pattern: Sequence[tuple[str, int]], payload: object, layer: int) -> None:
        key = (layer, tuple(pattern))
        if not key[1]:
            return
        payloads = self._entries.setdefault(key, [])
        if payload not in payloads:
            payloads.append(payload)

    def compile(self) -> None:
        self._patterns = []
        self._exact.clear()
        self._prefix.clear()
        self._cache.clear()
        for (layer, pattern), payloads in self._entries.items():
            index = len(self._patterns)
            self._patterns.append((pattern, layer, tuple(payloads)))
            first, mode = pattern[0]
            if mode == EXACT or len(first) < 3:
                self._exact.setdefault(first, []).append(index)
            else:
                self._prefix.setdefault(first[:3], []).append(index)

    def _first(self, tok: str) -> tuple:
        """What may start at this token, precomputed once per distinct token: the payloads of
        one-word cues and of one-word names (each flattened into one tuple: one match a token),
        and longer patterns indexed by their second word (so "armenian" does not try its thirty
        "Armenian ..." names at every occurrence)."""
        found = list(self._exact.get(tok, ()))
        for index in self._prefix.get(tok[:3], ()):
            pat, mode = self._patterns[index][0][0]
            if token_matches(tok, pat, mode):
                found.append(index)
        cue_single: list[tuple] = []
        name_single: list[tuple] = []
        pairs: dict[str, list[int]] = {}  # by the whole second word
        stems: dict[str, list[int]] = {}  # by the first three letters of an inflectable second word
        for index in found:
            pattern, layer, payloads = self._patterns[index]
            if len(pattern) == 1:
                (cue_single if layer == CUE else name_single).extend(payloads)
            elif pattern[1][1] == EXACT or len(pattern[1][0]) < 3:
                pairs.setdefault(pattern[1][0], []).append(index)
            else:
                stems.setdefault(pattern[1][0][:3], []).append(index)
        # A cue found twice on one word ("reported": `report|s|ed` and `report*`) is one cue; names
        # keep theirs (two names on one word are two mentions).
        cues = tuple(dict.fromkeys(cue_single))
        result = (cues, tuple(name_single), pairs or None, stems or None) if found else ()
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[tok] = result
        return result

    def scan(self, tokens: Sequence[str]) -> list[tuple[int, int, tuple]]:
        """Where phrases are found, as (start, end, payloads), in order of start. Names (the ENTITY
        layer) are matched longest first: a position inside an earlier name starts no new one
        ("Lachin corridor" is not also "Lachin"); names of the same length at one position all
        count. Cues (the CUE layer) may overlap: "set up a checkpoint" is an act and an access cue,
        "checkpoint" too. One-word cues come as one match a word, each payload once."""
        first = self._first
        patterns = self._patterns
        n = len(tokens)
        covered = 0  # names: the end of the last name found
        matches: list[tuple[int, int, tuple]] = []
        append = matches.append
        # The tokens are looked up in C (map); most are nothing (numbers, "from") or one-word cues
        # and names, or words no longer pattern continues here ("the" + "situation"): they take the
        # short path, ~20% fewer instructions per item than one path for all.
        for i, entry in enumerate(map(self._cache.get, tokens)):
            if not entry:
                if entry is not None:
                    continue
                entry = first(tokens[i])  # a token not seen before
                if not entry:
                    continue
            cues, names, pairs, stems = entry
            multi = ()  # the longer patterns whose second word follows
            if i + 1 < n:
                if pairs is not None:
                    multi = pairs.get(tokens[i + 1], ())
                if stems is not None:
                    more = stems.get(tokens[i + 1][:3])
                    if more:
                        multi = [*multi, *more]
            if not multi:
                if cues:
                    append((i, i + 1, cues))
                if names and covered <= i:
                    covered = i + 1
                    append((i, covered, names))
                continue
            best = 0
            longest: list[tuple] = []  # the payloads of the longest names starting here
            for index in multi:
                pattern, layer, payloads = patterns[index]
                size = len(pattern)
                if i + size > n:
                    continue
                for k in range(1, size):
                    pat, mode = pattern[k]
                    if not token_matches(tokens[i + k], pat, mode):
                        break
                else:
                    if layer == CUE:
                        append((i, i + size, payloads))
                    elif size > best:
                        best, longest = size, [payloads]
                    elif size == best:
                        longest.append(payloads)
            if cues:
                append((i, i + 1, cues))
            if covered <= i:
                if best:
                    covered = i + best
                    for payloads in longest:
                        append((i, covered, payloads))
                elif names:
                    covered = i + 1
                    append((i, covered, names))
        return matches


def expand(entry: str) -> Iterable[tuple[tuple[str, int], ...]]:
    """One line of the cue table → its token patterns (see cues.py for the syntax)."""
    per_word: list[list[list[tuple[str, int]]]] = []
    for word in entry.split():
        stem = word.endswith("*")
        word = word.rstrip("*")
        if "|" in word:
            base, *suffixes = word.split("|")
            variants = list(dict.fromkeys([base, *(base + s for s in suffixes if s)]))
        else:
            variants = [word]
        options = []
        for variant in variants:
            toks = words(variant)
            if not toks:
                continue
            pattern = [(t, EXACT) for t in toks]
            if stem:
                pattern[-1] = (pattern[-1][0], PREFIX)
            options.append(pattern)
        if options:
            per_word.append(options)
    for combo in itertools.product(*per_word):
        yield tuple(itertools.chain.from_iterable(combo))


def lines(block: str) -> Iterable[str]:
    """A cue block → its entries (comma- or line-separated; `#` starts a comment line)."""
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in line.split(","):
            part = part.strip()
            if part:
                yield part
