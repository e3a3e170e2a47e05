"""The gazetteer (gazetteer.toml in this package) loaded once: places, actors and their names.

Why a data file: places and actors change with the news (a new foreign minister, a renamed
town); adding a spelling must not need a code change. RULES_VERSION in rules.py includes a hash
of this file, so editing it makes `briefing reclassify` relabel every item.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .folding import PUNCT
from .matcher import entity_pattern, token_matches, words

PARTIES = frozenset({"azerbaijan", "armenia", "karabakh"})
SIDES = ("azerbaijan", "armenia", "karabakh", "russia", "turkey", "iran", "international")


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone who speaks or acts: a person, an institution, a government."""

    id: str
    name: str
    side: str
    type: str


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    region: bool  # False: a third country's capital; tagged, but not "about the region"
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: tuple[Place, ...]
    actors: dict[str, Actor]
    actor_aliases: dict[str, tuple[str, ...]]  # id → aliases (names spoken as the actor)
    actor_metonyms: dict[str, tuple[str, ...]]  # id → names that mean it only as a subject
    digest: str


def _raw() -> bytes:
    return resources.files(__package__).joinpath("gazetteer.toml").read_bytes()


@cache
def load() -> Gazetteer:
    """Parse and check the gazetteer (a broken file is a bug caught by the tests, not user input)."""
    raw = _raw()
    data = tomllib.loads(raw.decode("utf-8"))
    places = []
    for entry in data.get("place", []):
        aliases = tuple(dict.fromkeys([*entry.get("aliases", []), entry["name"]]))
        places.append(Place(entry["name"], entry.get("kind", ""), bool(entry.get("region", True)), aliases))
    actors: dict[str, Actor] = {}
    aliases_by_id: dict[str, tuple[str, ...]] = {}
    metonyms_by_id: dict[str, tuple[str, ...]] = {}
    for entry in data.get("actor", []):
        actor_id = entry["id"]
        if actor_id in actors:
            raise ValueError(f"gazetteer.toml: actor id {actor_id!r} is used twice")
        if entry["side"] not in SIDES:
            raise ValueError(f"gazetteer.toml: actor {actor_id!r} has side {entry['side']!r}")
        actors[actor_id] = Actor(actor_id, entry["name"], entry["side"], entry["type"])
        aliases_by_id[actor_id] = tuple(dict.fromkeys([*entry.get("aliases", []), entry["name"]]))
        metonyms_by_id[actor_id] = tuple(entry.get("metonyms", []))
    return Gazetteer(
        tuple(places), actors, aliases_by_id, metonyms_by_id, hashlib.sha256(raw).hexdigest()[:10]
    )


def _key(name: str) -> str:
    return " ".join(t for t in words(name) if t not in PUNCT)


@cache
def _lookup_tables() -> tuple[list[tuple[str, str]], list[tuple[str, str, bool]]]:
    """Folded alias → place name; folded alias → (actor id, is metonym)."""
    gaz = load()
    places = [(_key(alias), place.name) for place in gaz.places for alias in place.aliases]
    actors = [(_key(alias), actor_id, False) for actor_id, names in gaz.actor_aliases.items() for alias in names]
    actors += [(_key(alias), actor_id, True) for actor_id, names in gaz.actor_metonyms.items() for alias in names]
    actors += [(_key(actor_id.replace("-", " ")), actor_id, False) for actor_id in gaz.actors]
    return places, actors


def _inflected(query: str, alias: str) -> bool:
    """Does a typed name equal the alias with case endings (Степанакерте, Xankəndiyə)?"""
    q, a = query.split(" "), alias.split(" ")
    if len(q) != len(a):
        return False
    for qt, at in zip(q, a, strict=True):
        pat, mode = entity_pattern(at)
        if qt != at and not token_matches(qt, pat, mode):
            return False
    return True


def _find(query: str, table: list[tuple], value: int) -> tuple[str, ...]:
    q = _key(query)
    if not q:
        return ()
    exact: dict[str, None] = {}
    prefix: dict[str, None] = {}
    for row in table:
        alias = row[0]
        if alias == q or _inflected(q, alias):
            exact[row[value]] = None
        elif alias.startswith(q) or any(part.startswith(q) for part in _word_starts(alias)):
            prefix[row[value]] = None
    return tuple(exact) if exact else tuple(prefix)


def _word_starts(alias: str) -> list[str]:
    """"nagorno karabakh" → ["karabakh"]: a typed name may start at any word of a long name."""
    parts = alias.split(" ")
    return [" ".join(parts[i:]) for i in range(1, len(parts))]


def find_places(name: str) -> tuple[str, ...]:
    """A name as a user types it → canonical place names.

    Alias-, case-, diacritics- and script-aware ("khankendi", "Xankəndi", "Степанакерт" all give
    "Stepanakert / Khankendi"); when no name matches whole, names it begins ("khank") or any word
    of a longer name begins ("corridor") match.
    """
    places, _ = _lookup_tables()
    return _find(name, places, 1)


def find_actors(name: str) -> tuple[str, ...]:
    """A name as a user types it → actor ids, best first ("pashinyan" → ("nikol-pashinyan",))."""
    _, actors = _lookup_tables()
    return _find(name, actors, 1)


def actor(actor_id: str) -> Actor | None:
    """The actor with this id, for display (None if the gazetteer no longer has it)."""
    return load().actors.get(actor_id)
