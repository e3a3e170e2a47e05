"""Folding and tokenising text for matching.

`fold` is the public normal form (the same one `briefing.text.fold` gives the search index):
NFKD, combining marks dropped, case-folded, Azerbaijani ı/İ/ə folded to i/e. It is computed
per character through a lazily filled translation table, which gives the same result as
folding the whole string and is several times faster on repeated text.

`match_fold` adds what matching needs on top: curly quotes and guillemets become ASCII quotes,
dashes become "-", Armenian punctuation becomes its Latin equivalent and the Armenian
emphasis and question marks written *inside* words (՛ ՜ ՞) are dropped so the word stays whole.
"""

from __future__ import annotations

import re
import unicodedata

_AZ_LETTERS = {"ı": "i", "İ": "i", "ə": "e", "Ə": "e", "ß": "ss", "ё": "е", "Ё": "е"}

# Punctuation that matching treats alike. Values are single characters or "".
_MATCH_PUNCT = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u201f": '"',
    "\u2039": '"', "\u203a": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-",
    "\u2011": "-",
    "\u0589": ".",  # Armenian full stop ։
    "\u055d": ",",  # Armenian comma ՝
    "\u055b": "", "\u055c": "", "\u055e": "",  # Armenian emphasis, exclamation, question marks
    "\u055f": "",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}


def _fold_char(ch: str) -> str:
    ch = _AZ_LETTERS.get(ch, ch)
    if len(ch) == 1 and ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


class _FoldTable(dict):
    """str.translate table filled on first sight of each character."""

    __slots__ = ()

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


class _MatchTable(dict):
    __slots__ = ()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = _MATCH_PUNCT[ch] if ch in _MATCH_PUNCT else _fold_char(ch)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()
_MATCH_TABLE = _MatchTable()
# Prime ASCII so that pure-ASCII text takes CPython's fast translate path from the start.
for _code in range(128):
    _FOLD_TABLE[_code]
    _MATCH_TABLE[_code]


def fold(text: str) -> str:
    """Case- and diacritics-insensitive normal form used for matching AND for search.

    NFKD, combining marks stripped, case-folded; Azerbaijani ı/İ → i and ə → e (ş ç ğ ö ü lose
    their marks through NFKD, so "Bakı" → "baki", "Xankəndiyə" → "xankendiye"); Armenian and
    Cyrillic stay in their script, lower-cased ("Ստեփանակերտ" → "ստեփանակերտ").
    """
    if not text:
        return ""
    return text.translate(_FOLD_TABLE)


def match_fold(text: str) -> str:
    """`fold` plus punctuation normalisation for the matcher (quotes, dashes, Armenian marks)."""
    if not text:
        return ""
    # isascii() reads a flag of the string. ASCII folds to lower case and ` to ' (the assert below):
    # lower() is a C loop, the table a dict lookup per character (~12k instructions a text).
    if text.isascii():
        text = text.lower()
        return text.replace("`", "'") if "`" in text else text
    if (len(text.encode()) - len(text)) * 4 >= len(text):  # Armenian, Russian ...: the table throughout
        return text.translate(_MATCH_TABLE)
    # Mostly ASCII (English with curly quotes and dashes): the ASCII runs as above and the table
    # only for the rest; a non-ASCII string makes translate look every character up (half the cost).
    parts = _NON_ASCII_RUN.split(text)
    for k in range(0, len(parts), 2):
        part = parts[k].lower()
        parts[k] = part.replace("`", "'") if "`" in part else part
    for k in range(1, len(parts), 2):
        parts[k] = parts[k].translate(_MATCH_TABLE)
    return "".join(parts)


_NON_ASCII_RUN = re.compile(r"([^\x00-\x7f]+)")  # split() keeps the runs (the group) between the ASCII parts


assert [ch for ch in [*_MATCH_PUNCT, *_AZ_LETTERS] if ch.isascii()] == ["`"], "match_fold's ASCII path"


# Words are runs of letters and digits (numbers keep their thousands separators). A few
# punctuation marks are tokens because the rules read them: ":" for colon attribution,
# "," and quotes for inverted attribution, "." "!" "?" ";" for sentence ends, "(" ")"
# for asides, "'s" for possessives and a spaced dash for trailing attribution in titles.
# The leading \s* (outside the group findall returns) takes the spaces before a token into its
# match, so the regex engine does not try and fail every alternative at each space: the same
# tokens, ~15% sooner (no token starts with a space).
_TOKEN_RE = re.compile(r"\s*(\d+(?:[.,]\d+)*|[^\W_]+|'s\b|[:;,.!?\"()]|(?<=\s)-(?=\s))")  # change with _ASCII_TOKEN_RE
# The same on ASCII text (most folded text: curly quotes and dashes fold to ASCII), with the
# Unicode classes written out as ASCII sets (\s, [^\W_], \d, and \b as "not before \w"): a set
# is one bit test where a Unicode class looks the character up, ~16% fewer instructions.
# Change both together: tests/test_classify.py holds them to the same tokens on ASCII text.
_WS = r"\t\n\x0b\x0c\r\x1c-\x1f "  # what \s matches in ASCII
_ASCII_TOKEN_RE = re.compile(
    rf"[{_WS}]*([0-9]+(?:[.,][0-9]+)*|[A-Za-z0-9]+|'s(?![A-Za-z0-9_])|[:;,.!?\"()]|(?<=[{_WS}])-(?=[{_WS}]))"
)

SENTENCE_END = frozenset({".", "!", "?", ";"})
PUNCT = frozenset({":", ";", ",", ".", "!", "?", '"', "(", ")", "-", "'s"})


def tokenize(folded: str) -> list[str]:
    """Split match-folded text into tokens (words, numbers and the punctuation rules read)."""
    return (_ASCII_TOKEN_RE if folded.isascii() else _TOKEN_RE).findall(folded)
