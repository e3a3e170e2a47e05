"""How an item looks on screen: times, side badges, one row of a pane. Feed text is data.

Everything from a feed goes through `clean()` and into `rich.text.Text` as plain text, so a
title like "Breaking [/bold] news" or one holding escape sequences is shown, never obeyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..text import one_line, strip_controls

SIDE_BADGES = {
    "armenia": "AM",
    "azerbaijan": "AZ",
    "karabakh": "KA",
    "russia": "RU",
    "turkey": "TR",
    "iran": "IR",
    "international": "INTL",
}
PANE_TITLES = {
    "events": "Events",
    "statements": "Statements",
    "humanitarian": "Humanitarian",
    "reactions": "Reactions",
    "all": "All",
}
PANE_LONG_TITLES = {
    "events": "Latest events",
    "statements": "Actor statements",
    "humanitarian": "Humanitarian access",
    "reactions": "International reactions",
    "all": "All on-topic items",
}


def clean(text: str | None) -> str:
    """One line of feed text with every control character gone (belt and braces: the store
    strips them on the way in, but an old database or another writer might not have)."""
    return one_line(strip_controls(text or ""))


def side_badge(side: str | None) -> str:
    return SIDE_BADGES.get(side or "", "··")


def when(published: datetime, now: datetime, tz: tzinfo) -> str:
    """12 cells: "14:05    3h" today, "19 Sep 14:05" other days, in the desk's time zone."""
    local = published.astimezone(tz)
    today = now.astimezone(tz).date()
    if local.date() == today:
        seconds = max(0, int((now - published).total_seconds()))
        if seconds < 60:
            rel = "now"
        elif seconds < 3600:
            rel = f"{seconds // 60}m"
        else:
            rel = f"{seconds // 3600}h"
        return f"{local:%H:%M} {rel:>6}"
    if local.year == today.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y} "


def ago(when_: datetime | None, now: datetime) -> str:
    if when_ is None:
        return "never"
    seconds = max(0, int((now - when_).total_seconds()))
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"


PLAIN = Style()


@dataclass(frozen=True)
class RowStyles:
    """Styles for the parts of a row, resolved from app.tcss component classes."""

    base: Style = PLAIN
    time: Style = PLAIN
    badge: Style = PLAIN
    source: Style = PLAIN
    title: Style = PLAIN
    unread: Style = PLAIN
    tags: Style = PLAIN
    story: Style = PLAIN
    star: Style = PLAIN


def story_label(item: object, *, short: bool = False) -> str:
    """ "×7 · AM AZ INTL" for a story of several reports ("×7" when `short`); "" for a lone item."""
    size = getattr(item, "story_size", 1) or 1
    if size <= 1:
        return ""
    sides = " ".join(side_badge(s) for s in getattr(item, "story_sides", ()) or ())
    return f"×{size}" + (f" · {sides}" if sides and not short else "")


def tags(item: object, actor_name=None) -> str:
    names = [actor_name(a) if actor_name else a for a in getattr(item, "actors", ())]
    places = list(getattr(item, "places", ()))
    parts = [f"@{clean(p)}" for p in places[:2]] + [f"#{clean(n)}" for n in names[:2]]
    return " ".join(parts)


def _row_parts(
    item, *, now: datetime, tz: tzinfo, width: int, styles: RowStyles, actor_name=None, unsorted: bool = False
) -> list[tuple[str, Style | None]]:
    """A row's pieces left to right, (text, style), before the row is cut or padded to `width`:
    unread marker, time, side badge, source, title, [story], tags; `unsorted` (the All view)
    says the item fits none of the four panes."""
    parts: list[tuple[str, Style | None]] = [
        ("● " if not item.read else "  ", styles.unread),
        (when(item.published, now, tz), styles.time),
        (" ", None),
        (f"{side_badge(item.side):<4}", styles.badge),
        (" ", None),
    ]
    source_width = 14 if width >= 100 else 10
    source = clean(item.feed_name)
    if len(source) > source_width:
        source = source[: source_width - 1] + "…"
    parts += [(f"{source:<{source_width}}", styles.source), (" ", None)]
    if item.starred:
        parts.append(("★ ", styles.star))
    # The title comes straight after the source: the story badge and the tags follow it, so at
    # 80 columns the title keeps its room (the badge shrinks to "×7" there; the item view has
    # the sides).
    story = story_label(item, short=width < 100)
    title = clean(item.title)
    tag_text = tags(item, actor_name)
    room = width - cell_len("".join(strip_control_codes(text) for text, _ in parts))
    tail = [(story, styles.story)] if story else []
    if unsorted:
        tail.append(("unsorted", styles.tags))
        story += " unsorted"  # counted in the room the tags need
    if tag_text and room - len(tag_text) - len(story) - 4 >= 24:
        tail.append((tag_text, styles.tags))
    if tail:
        title_room = room - sum(len(part) + 2 for part, _ in tail)
        parts.append((_fit(strip_control_codes(title), max(1, title_room)), styles.title))
        for part, style in tail:
            parts += [("  ", None), (part, style)]
    else:
        parts.append((title, styles.title))
    return parts


def _fit(text: str, width: int) -> str:
    """Cut to `width` cells with an ellipsis, or pad with spaces (rich's Text.truncate)."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length)


def row_text(
    item, *, now: datetime, tz: tzinfo, width: int, styles: RowStyles, actor_name=None, unsorted: bool = False
) -> Text:
    """One pane row as rich Text, exactly `width` cells (see _row_parts)."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for part, style in _row_parts(item, now=now, tz=tz, width=width, styles=styles, actor_name=actor_name,
                                  unsorted=unsorted):  # fmt: skip
        text.append(part, style)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def row_segments(
    item,
    *,
    now: datetime,
    tz: tzinfo,
    width: int,
    styles: RowStyles,
    base: Style,
    cursor: Style | None = None,
    actor_name=None,
    unsorted: bool = False,
) -> list[Segment]:
    """The segments of `row_text` with `cursor` over the whole row and `base` under it, the same
    (text and style) as rendering that Text, built directly: a new filter paints a screenful of
    rows it has not shown before, and rich's Text costs four times as much for the same result.
    tests/test_tui_format.py holds the two to the same segments."""
    pieces = [(strip_control_codes(part), style)
              for part, style in _row_parts(item, now=now, tz=tz, width=width, styles=styles,
                                            actor_name=actor_name, unsorted=unsorted)]  # fmt: skip
    plain = "".join(part for part, _ in pieces)
    spans: list[tuple[int, int, Style]] = []  # the styled pieces, as rich's Text keeps them
    offset = 0
    for part, style in pieces:
        if part and style:
            spans.append((offset, offset + len(part), style))
        offset += len(part)
    length = cell_len(plain)
    if length > width:  # Text.truncate: cut, and the spans that reach the cut end with it
        plain = set_cell_size(plain, width - 1) + "…"
        end = len(plain)
        spans = [(start, stop if stop < end else end, style) for start, stop, style in spans if start < end]
    elif length < width:
        plain += " " * (width - length)
    cursor = cursor or None
    if not spans and cursor is None:
        return [Segment(plain, base or None)]

    def styled(style: Style | None) -> Style | None:
        if cursor is not None:
            style = cursor if style is None else style + cursor
        elif style is None:
            style = Style.null()
        return base + style if base else style

    segments = []
    position = 0
    for start, stop, style in spans:
        if start > position:
            segments.append(Segment(plain[position:start], styled(None)))
        if stop > start:
            segments.append(Segment(plain[start:stop], styled(style)))
        position = max(position, stop)
    if position < len(plain):
        segments.append(Segment(plain[position:], styled(None)))
    return segments
