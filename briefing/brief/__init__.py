"""The daily brief: one Markdown file a desk editor can trust (issue #5).

`write_brief` gathers (store → BriefData), renders (pure, `render_brief`) and writes. The
`briefing brief` command and `b` in the dashboard both call it.

Since the previous brief: every brief written to a file (`-o FILE`, or `b` in the dashboard)
is recorded in the `briefs` table with the newest item id it could see; a brief printed to
stdout is a preview and is not recorded. The next brief compares against the last brief
generated strictly before its own "generated" time, so rewriting a brief with the same
`--as-of` gives the same bytes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from ..errors import BriefingError
from ..models import Config
from ..store import Store, StoredItem
from ..store import briefs as sql
from ..timespec import parse_time, zone
from .model import BriefData, Report, Source, Story, Window
from .render import render_brief

__all__ = ["BriefData", "Window", "brief_path", "gather", "render_brief", "resolve_window", "write_brief"]


def write_brief(
    db_path: str | Path,
    config: Config,
    *,
    day: date | str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tz: tzinfo | str | None = None,
    filter_text: str | None = None,
    as_of: datetime | str | None = None,
    output: str | Path | None = None,
) -> tuple[str, Path | None]:
    """Write the brief; return its Markdown and the file written (None when not written).

    The window is `day` (a local date), or `since`..`until`, or today in the brief's time zone
    (`tz`, else feeds.toml's [brief] timezone, else this machine's). Strings are read as on
    the command line (2023-09-19, 2023-09-19T06:00, 6h). `as_of` fixes the "generated" time.
    """
    zone_, tz_name = _zone(tz, config)
    now = _as_of(as_of, zone_)
    window = resolve_window(day=day, since=since, until=until, tz=zone_, tz_name=tz_name, now=now)
    db_path = Path(db_path)
    if not db_path.exists():
        raise BriefingError(f"{db_path}: no database yet — run `briefing poll` first, or pass --db FILE")
    with Store(db_path) as store:
        data, newest = gather(store, window, now=now, filter_text=filter_text)
        text = render_brief(data)
        if output is None:
            return text, None
        path = Path(output)
        _write_atomically(path, text)
        sql.record_brief(
            store, generated_at=now, window_start=window.start, window_end=window.end, tz=tz_name,
            filter_text=filter_text, items=sum(len(s.reports) for s in data.stories), max_item_id=newest,
            path=str(path),
        )  # fmt: skip
    return text, path


def brief_path(config: Config, day: date) -> Path:
    """Where `b` in the dashboard writes: <[brief] directory>/brief-YYYY-MM-DD.md; a relative
    directory is taken from the folder of feeds.toml, so it does not depend on where the
    dashboard was started."""
    directory = Path(config.brief.directory).expanduser()
    if not directory.is_absolute() and config.path is not None:
        directory = Path(config.path).parent / directory
    return directory / f"brief-{day.isoformat()}.md"


def resolve_window(
    *,
    day: date | str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tz: tzinfo,
    tz_name: str,
    now: datetime,
) -> Window:
    """The brief's [start, end) from the arguments; one local day unless --since/--until."""
    if day is not None and (since is not None or until is not None):
        raise BriefingError("give either --date or --since/--until, not both")
    if since is None and until is None:
        if day is None:
            day = now.astimezone(tz).date()
        elif isinstance(day, str):
            day = _read_day(day, tz, now)
        start = datetime.combine(day, time(), tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
        return Window(start, end, tz, tz_name, day)
    end = _read_time(until, "--until", tz, now) if until is not None else now
    start = _read_time(since, "--since", tz, now) if since is not None else end - timedelta(days=1)
    if start >= end:
        raise BriefingError("--since must be before --until — the brief's window would be empty")
    return Window(start, end, tz, tz_name, None)


def gather(
    store: Store, window: Window, *, now: datetime, filter_text: str | None = None
) -> tuple[BriefData, int]:
    """Read what the brief says about `window`; also the newest item id it could see."""
    with sql.snapshot(store):
        newest = sql.max_item_id(store)
        previous = sql.previous_brief(store, before=now)
        items = select_items(store, window, filter_text=filter_text, now=now)
        carriers = sql.carriers_for(store, [i.id for i in items])
        edits = sql.last_edits(store, [i.id for i in items])
        watched = tuple(sql.watched_feeds(store))
        gaps = tuple(sql.feed_gaps(store, window.start, window.end))
    new_after = previous.max_item_id if previous is not None else None
    stories = group_stories(items, carriers, new_after=new_after, edits=edits)
    names, sides = actor_names(sorted({a for i in items for a in (i.speaker, *i.actors) if a}))
    data = BriefData(
        window=window,
        generated_at=now,
        stories=tuple(stories),
        filter_text=filter_text,
        actor_names=names,
        actor_sides=sides,
        watched=watched,
        gaps=gaps,
        previous=previous,
    )
    return data, newest


def select_items(store: Store, window: Window, *, filter_text: str | None, now: datetime) -> list[StoredItem]:
    """The window's on-topic items that pass the filter (the dashboard's language), oldest first."""
    text = (filter_text or "").strip()
    if not text:
        items = store.items(since=window.start, until=window.end, newest_first=False)
    else:
        from ..query import parse_filter

        flt = parse_filter(text, now=now, tz=window.tz)
        items = store.search(flt, since=window.start, until=window.end, newest_first=False, include_off_topic=False)
    return [i for i in items if i.on_topic]


def group_stories(
    items: Sequence[StoredItem],
    carriers: dict[int, list[sql.Carrier]],
    *,
    new_after: int | None = None,
    edits: dict[int, datetime] | None = None,
) -> list[Story]:
    """Items → stories, each cited once with all its sources.

    Items of the window that share `story_id` (issue #6) are one story — only those in the
    window: a brief cites what happened in its window. An item without a story (stored before
    stories existed and not reclustered) is a story of its own. Either way an item's carriers
    (other feeds with the same article) are its sources.
    """
    groups: dict[tuple[str, int], list[Report]] = {}
    for item in items:
        story_id = item.story_id
        key = ("s", story_id) if story_id is not None else ("i", item.id)
        found = carriers.get(item.id) or [sql.Carrier(item.feed_name, item.side, item.kind, item.first_seen)]
        sources = tuple(Source(c.feed, c.side, c.kind, item.link) for c in found)
        if len(sources) > 1:
            sources = tuple(dict.fromkeys(sources))
        new = new_after is not None and item.id > new_after
        groups.setdefault(key, []).append(Report(item, sources, new, (edits or {}).get(item.id)))
    stories = [Story(tuple(sorted(rs, key=lambda r: (r.item.published, r.item.id)))) for rs in groups.values()]
    stories.sort(key=lambda s: (s.lead.item.published, s.lead.item.id))
    return stories


def actor_names(actor_ids: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Display names and sides from the classifier's gazetteer; an unknown id is left to the
    renderer (which shows the id), and has no side."""
    from .. import classify

    lookup = getattr(classify, "actor", None)
    names, sides = {}, {}
    for actor_id in actor_ids:
        actor = lookup(actor_id) if lookup is not None else None
        if actor is not None:
            if getattr(actor, "name", None):
                names[actor_id] = actor.name
            if getattr(actor, "side", None):
                sides[actor_id] = actor.side
    return names, sides


# ---------------------------------------------------------------------- helpers


def _zone(tz: tzinfo | str | None, config: Config) -> tuple[tzinfo, str]:
    if isinstance(tz, tzinfo):
        return tz, getattr(tz, "key", None) or datetime.now(tz).tzname() or "UTC"
    name = tz or config.brief.timezone
    found = zone(name)
    return found, name or getattr(found, "key", None) or datetime.now(found).tzname() or "local time"


def _as_of(as_of: datetime | str | None, tz: tzinfo) -> datetime:
    if as_of is None:
        return datetime.now(UTC).replace(microsecond=0)
    if isinstance(as_of, str):
        return parse_time(as_of, tz=tz, what="--as-of")
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=tz)
    return as_of.astimezone(UTC)


def _read_day(text: str, tz: tzinfo, now: datetime) -> date:
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        return now.astimezone(tz).date() - timedelta(days=value == "yesterday")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BriefingError(f"cannot read --date {text!r} — write it as YYYY-MM-DD, e.g. 2023-09-19") from None


def _read_time(value: datetime | str, what: str, tz: tzinfo, now: datetime) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)
    return parse_time(value, now=now, tz=tz, what=what)


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: the desk never opens half a brief."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BriefingError(
            f"{path}: cannot write the brief ({exc.strerror}) — check the path and permissions"
        ) from None
