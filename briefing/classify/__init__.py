"""Sorting items into panes, with actors, places, speaker and the reasons (issue #3).

SCAFFOLD: the public interface only; the rules arrive with issue #3.
"""

from __future__ import annotations

from dataclasses import dataclass

RULES_VERSION = "0"


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    side: str
    type: str


@dataclass(frozen=True, slots=True)
class Classification:
    panes: tuple[str, ...] = ()
    on_topic: bool = True
    why: tuple[tuple[str, tuple[str, ...]], ...] = ()
    speaker: Actor | None = None
    actors: tuple[Actor, ...] = ()
    places: tuple[str, ...] = ()


def classify(
    title: str,
    summary: str,
    *,
    feed_side: str | None = None,
    feed_kind: str | None = None,
    feed_tags: tuple[str, ...] = (),
    language: str | None = None,
) -> Classification:
    return Classification()
