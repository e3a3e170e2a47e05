"""Messages the workers post to the screens: results as values, applied by handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual.message import Message

from ..models import PollSummary
from .data import PaneSnapshot, Status


@dataclass
class PanesLoaded(Message):
    generation: int
    snapshot: PaneSnapshot
    places: dict[str, tuple[int, int]]  # pane → (cursor, top) after keeping place on live updates
    keep: bool  # the rows already held are still right (same data, another window)
    final: bool = True  # False: some counts are still to come (CountsLoaded)
    painted: asyncio.Event | None = None  # set once a pane has painted these rows


@dataclass
class CountsLoaded(Message):
    """The pane counts for a filter whose rows are already on screen."""

    generation: int
    counts: dict[str, int]


@dataclass
class FilterRejected(Message):
    generation: int
    message: str
    position: int | None


@dataclass
class StatusLoaded(Message):
    status: Status


@dataclass
class DataChanged(Message):
    """Another connection (a poll, `briefing watch`) committed: time to reload."""

    version: int


@dataclass
class PollStarted(Message):
    pass


@dataclass
class PollFinished(Message):
    summary: PollSummary | None
    error: str | None = None
