"""The brief's data, gathered from the store and handed to the pure renderer.

A story is what the brief cites once: one or more reports (items) of the same occurrence
(issue #6: items sharing a story_id), each with every feed that carried it (the same article
seen in several feeds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cached_property

from ..store import StoredItem
from ..store.briefs import BriefRecord, FeedGap

PARTIES = ("azerbaijan", "armenia", "karabakh")
SIDE_NAMES = {
    "azerbaijan": "Azerbaijan",
    "armenia": "Armenia",
    "karabakh": "Karabakh",
    "russia": "Russia",
    "turkey": "Turkey",
    "iran": "Iran",
    "international": "international",
}
SIDE_ORDER = ("azerbaijan", "armenia", "karabakh", "russia", "turkey", "iran", "international")


@dataclass(frozen=True, slots=True)
class Source:
    """A feed that carried a report, and the link it gave."""

    feed: str
    side: str | None
    kind: str | None
    link: str | None


@dataclass(frozen=True, slots=True)
class Report:
    item: StoredItem
    sources: tuple[Source, ...]
    new: bool = False  # arrived after the previous brief was written
    edited: datetime | None = None  # the publisher changed the title or summary (last time)
    # What the publisher's text said before, so the desk sees what changed (a casualty figure):
    # the earlier title when the title changed, else the earlier summary; None when not edited.
    was_title: str | None = None
    was_summary: str | None = None


def headline(reports: Sequence[Report]) -> Report:
    """The report that heads a line: the most widely carried (most feeds), ties → the newest.

    A story's first report is often a hint ("in contact with the peacekeepers"); the report
    most outlets carried is the news itself (the ceasefire, 11 sources).
    """
    return max(reports, key=lambda r: (len(r.sources), r.item.published, r.item.id))


@dataclass(frozen=True)
class Story:
    """Derived values are cached: the renderer asks for them once per section a story is in."""

    reports: tuple[Report, ...]  # oldest first

    @property
    def lead(self) -> Report:
        """The first report: who reported it first (and when the story began)."""
        return self.reports[0]

    @cached_property
    def headline(self) -> Report:
        return headline(self.reports)

    @cached_property
    def starred(self) -> bool:
        return any(r.item.starred for r in self.reports)

    @cached_property
    def new(self) -> bool:
        return any(r.new for r in self.reports)

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        seen: dict[tuple[str, str | None], Source] = {}
        for report in self.reports:
            for source in report.sources:
                seen.setdefault((source.feed, source.link), source)
        return tuple(seen.values())

    @cached_property
    def feeds(self) -> frozenset[str]:
        return frozenset(s.feed for s in self.sources)

    @cached_property
    def sides(self) -> frozenset[str]:
        return frozenset(s.side for s in self.sources if s.side)

    @cached_property
    def places(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for r in self.reports for p in r.item.places))

    @cached_property
    def _by_pane(self) -> dict[str, tuple[Report, ...]]:
        panes: dict[str, list[Report]] = {}
        for report in self.reports:
            for pane in report.item.panes:
                panes.setdefault(pane, []).append(report)
        return {pane: tuple(reports) for pane, reports in panes.items()}

    def in_pane(self, pane: str) -> tuple[Report, ...]:
        return self._by_pane.get(pane, ())


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in UTC, shown in `tz`; `day` is set when the window is one local day."""

    start: datetime
    end: datetime
    tz: tzinfo
    tz_name: str
    day: date | None = None


@dataclass(frozen=True)
class BriefData:
    """Everything the brief says, gathered; `render_brief` turns it into Markdown."""

    window: Window
    generated_at: datetime
    stories: tuple[Story, ...]  # in time order
    filter_text: str | None = None
    actor_names: Mapping[str, str] = field(default_factory=dict)  # actor id → display name
    actor_sides: Mapping[str, str] = field(default_factory=dict)  # actor id → side, for grouping reactions
    watched: tuple[tuple[str, str | None], ...] = ()  # (feed, side) enabled in feeds.toml
    gaps: tuple[FeedGap, ...] = ()
    previous: BriefRecord | None = None
