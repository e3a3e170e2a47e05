"""Sorting items into panes, with actors, places, speaker and the reasons (issue #3).

Transparent rules, not a model: every label comes with the cues that decided it (`why`), so a
journalist can see why an item sits in a pane and a maintainer can fix a rule by adding a word.
- gazetteer.toml  places and actors with their spellings in four scripts (data, not code)
- cues.py         the vocabulary of each decision (reporting verbs, physical acts, access ...)
- matcher.py      folded, whole-word, inflection-aware phrase matching over tokens
- rules.py        the decisions, in the order ../shared/PANES.md gives
"""

from __future__ import annotations

from .gazetteer import Actor, actor, find_actors, find_places
from .rules import PANES, Classification, classify, rules_digest

# Stored on every item: a change of rules or gazetteer makes `briefing reclassify` relabel.
# The digest follows the cue table and the gazetteer; bump the number when the code that reads
# them changes (3: Cyrillic acronyms matched whole; 4: Armenian acronyms and short names, Russian
# indeclinable names, Azerbaijani vowel harmony; 5: Russian plurals decline again, offices open
# Armenian and Azerbaijani verb-final sentences; 6: an inflected name opening such a sentence is not
# its subject; 7: Russian proper names take only case and adjective endings; 8: Russian one- and
# two-letter words in names match whole; 9: lower-case Russian words that are names capitalised).
RULES_VERSION = "9-" + rules_digest()

__all__ = ["PANES", "RULES_VERSION", "Actor", "Classification", "actor", "classify", "find_actors", "find_places"]
