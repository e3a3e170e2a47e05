"""The daily brief: one Markdown file a desk editor can trust (issue #5).

`write_brief` gathers (store → BriefData), renders (pure, `render_brief`) and writes. The
`briefing brief` command and `b` in the dashboard both call it.

Since the previous brief: every brief written to a file (`-o FILE`, or `b` in the dashboard)
is recorded in the `briefs` table with the newest item id it could see; a brief printed to
stdout is a preview and is not recorded. A brief compares against the last brief generated
strictly before its own "generated" time (so rewriting a brief with the same `--as-of` gives
the same bytes) that is a DIFFERENT brief: another window or another filter. Writing the same
window again — `b` twice, `-o` again the same day, to the same path or another — is the same
brief rewritten, so it keeps saying what arrived since the desk's previous brief instead of
"nothing since" the copy written a minute ago. Every write is still recorded, so the next
brief of another window compares with the last rewrite: what the desk last received.

Writing never destroys anything: `-o` refuses the database (and its -wal/-shm/-journal),
feeds.toml, and an existing file that is not one of our briefs unless `force` (`--force`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple

from ..errors import BriefingError
from ..models import Config
from ..store import Store, StoredItem
from ..store import briefs as sql
from ..text import one_line
from ..timespec import parse_time, zone
from .model import BriefData, Report, Source, Story, Window
from .render import render_brief

__all__ = ["BriefData", "Window", "brief_path", "check_output", "gather", "render_brief", "resolve_window",
           "write_brief"]  # fmt: skip

FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)  # a day's window fits a datetime in every time zone
_TIME_ONLY = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")  # the clock-time form of briefing.timespec


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
    force: bool = False,
) -> tuple[str, Path | None]:
    """Write the brief; return its Markdown and the file written (None when not written).

    The window is `day` (a local date), or `since`..`until`, or today in the brief's time zone
    (`tz`, else feeds.toml's [brief] timezone, else this machine's). Strings are read as on
    the command line (2023-09-19, 2023-09-19T06:00, 6h). `as_of` fixes the "generated" time.
    `output` is never the database or feeds.toml, and replaces an existing file only when that
    is a brief (or empty), unless `force` (see `check_output`).
    """
    zone_, tz_name = _zone(tz, config)
    now = _as_of(as_of, zone_)
    window = resolve_window(day=day, since=since, until=until, tz=zone_, tz_name=tz_name, now=now)
    db_path = Path(db_path)
    if not db_path.exists():
        raise BriefingError(f"{db_path}: no database yet — run `briefing poll` first, or pass --db FILE")
    if output is not None:
        check_output(Path(output), db_path=db_path, config_path=config.path, force=force)
    with Store(db_path) as store:
        data, newest = gather(store, window, now=now, filter_text=filter_text)
        text = render_brief(data)
        if output is None:
            return text, None
        path = Path(output)
        _write_atomically(path, text)
        sql.record_brief(
            store, generated_at=now, window_start=window.start, window_end=window.end, tz=tz_name,
            filter_text=_filter_key(filter_text), items=sum(len(s.reports) for s in data.stories),
            max_item_id=newest, path=str(path),
        )  # fmt: skip
    return text, path


def check_output(path: Path, *, db_path: Path, config_path: str | Path | None, force: bool = False) -> None:
    """Refuse to write a brief where it would destroy something: the database (or its -wal,
    -shm, -journal files), feeds.toml — whatever the path, symlink or hard link — or an
    existing file that is not one of our briefs (its first line is not "# Brief…"), unless
    `force`. An empty file has nothing to lose. The brief replaces a file by a rename, so a
    hard link to the old file keeps the old content."""
    db = Path(db_path)
    protected = [(db, "the database"), *((db.with_name(db.name + s), f"part of the database {db}")
                                         for s in ("-wal", "-shm", "-journal"))]  # fmt: skip
    if config_path is not None:
        protected.append((Path(config_path), "the config file"))
    for other, what in protected:
        if _same_path(path, other):
            if str(other) != str(path) and not what.startswith("part"):
                what += f" {other}"
            raise BriefingError(f"{path}: is {what} — write the brief to another file, e.g. -o brief.md")
    if not os.path.lexists(path):
        return
    if path.is_dir():
        raise BriefingError(f"{path}: is a directory, cannot write the brief there — give a file, e.g. {path}/brief.md")
    if not path.is_file():
        raise BriefingError(f"{path}: is not a regular file — leave out -o to print the brief, or give a file")
    if not force and not _looks_like_brief(path):
        raise BriefingError(
            f"{path}: exists and does not look like a brief (its first line is not '# Brief…')"
            " — pass --force to replace it, or write to another file"
        )


def _same_path(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):  # a symlink loop, a path we may not look at: not provably the same
        return False


def _looks_like_brief(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    return not head or head.startswith(b"# Brief")


def _filter_key(filter_text: str | None) -> str | None:
    return (filter_text or "").strip() or None


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
    """The brief's [start, end) from the arguments; one local day unless --since/--until.

    A time-only --until (18:00) is on the local day of --since, not today: `--since
    2023-09-19T06:00 --until 18:00` is twelve hours of 19 September. Without --since it is
    today's, as everywhere else. Days and times beyond what a datetime holds are a user error.
    """
    if day is not None and (since is not None or until is not None):
        raise BriefingError("give either --date or --since/--until, not both")
    if since is None and until is None:
        if day is None:
            day = now.astimezone(tz).date()
        elif isinstance(day, str):
            day = _read_day(day, tz, now)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise BriefingError(f"--date {day.isoformat()} is out of range — give a day from {FIRST_DAY} to {LAST_DAY}")
        start = datetime.combine(day, time(), tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
        return Window(start, end, tz, tz_name, day)
    start = _read_time(since, "--since", tz, now) if since is not None else None
    clock = _TIME_ONLY.fullmatch(until) if isinstance(until, str) and start is not None else None
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        end = _on_day_of(start, time(int(clock[1]), int(clock[2])), tz, until)
        if end <= start:
            next_day = start.astimezone(tz).date() + timedelta(days=1)
            raise BriefingError(
                f"--until {until.strip()} is not after --since ({_local(start, tz)}): a time-only --until is on"
                f" the day of --since — to end on a later day give the date too, e.g. {next_day}T{until.strip()}"
            )
    else:
        end = _read_time(until, "--until", tz, now) if until is not None else now
    if start is None:
        try:
            start = end - timedelta(days=1)
        except OverflowError:
            raise BriefingError(f"--until {until!s} is out of range — use a nearer date") from None
    if start >= end:
        raise BriefingError("--since must be before --until — the brief's window would be empty")
    return Window(start, end, tz, tz_name, None)


def gather(
    store: Store, window: Window, *, now: datetime, filter_text: str | None = None
) -> tuple[BriefData, int]:
    """Read what the brief says about `window`; also the newest item id it could see."""
    with sql.snapshot(store):
        newest = sql.max_item_id(store)
        this_brief = (window.start, window.end, _filter_key(filter_text))
        previous = sql.previous_brief(store, before=now, other_than=this_brief)
        items = select_items(store, window, filter_text=filter_text, now=now)
        carriers = sql.carriers_for(store, [i.id for i in items])
        history = sql.edit_history(store, [i.id for i in items])
        watched = tuple(sql.watched_feeds(store))
        gaps = tuple(sql.feed_gaps(store, window.start, window.end))
    edits = {item.id: earlier_text(item.title, item.summary, history[item.id]) for item in items if item.id in history}
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
    edits: dict[int, Edit] | None = None,
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
        edit = (edits or {}).get(item.id)
        report = Report(item, sources, new) if edit is None else Report(item, sources, new, *edit)
        groups.setdefault(key, []).append(report)
    stories = [Story(tuple(sorted(rs, key=lambda r: (r.item.published, r.item.id)))) for rs in groups.values()]
    stories.sort(key=lambda s: (s.lead.item.published, s.lead.item.id))
    return stories


class Edit(NamedTuple):
    """When a report was last edited, and what it said before (see `earlier_text`)."""

    at: datetime
    was_title: str | None
    was_summary: str | None


def earlier_text(title: str, summary: str, history: Sequence[tuple[datetime, str, str]]) -> Edit:
    """What an edited report said before: its last earlier title that differs from the current
    one (the change a desk most needs to see: "27 killed" became "32 killed"); else, when only
    the summary changed, its last earlier summary that differs. `history` is oldest first."""
    was_title = next((t for _at, t, _s in reversed(history) if one_line(t) != one_line(title)), None)
    was_summary = None
    if was_title is None:
        was_summary = next((s for _at, _t, s in reversed(history) if one_line(s) != one_line(summary)), None)
    return Edit(max(at for at, _t, _s in history), was_title, was_summary)


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
    return _read_time(as_of, "--as-of", tz, as_of)


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
        try:
            return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)
        except OverflowError:
            raise BriefingError(f"{what} {value.isoformat()} is out of range — use a nearer date") from None
    return parse_time(value, now=now, tz=tz, what=what)


def _on_day_of(start: datetime, clock: time, tz: tzinfo, text: str) -> datetime:
    try:
        return datetime.combine(start.astimezone(tz).date(), clock, tz).astimezone(UTC)
    except OverflowError:
        raise BriefingError(f"--until {text.strip()} is out of range — use a nearer date") from None


def _local(when: datetime, tz: tzinfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


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
