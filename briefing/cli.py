"""The `briefing` command: parses arguments, calls the core, prints. No logic of its own.

A user's mistake (bad feeds.toml, bad time, unreadable file) prints one line to stderr and
exits 2; feed trouble during a poll is reported in the summary and still exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .config import load_config
from .errors import BriefingError
from .models import Config, Outcome, PollResult, PollSummary
from .store import Store, from_iso
from .timespec import parse_time

DEFAULT_CONFIG = "feeds.toml"
DEFAULT_DB = "briefing.db"
T = TypeVar("T")


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    # A log file or a pipe gets each line whole (Rich would cut it at 80 columns, or $COLUMNS,
    # and a grep for a feed's name would miss it); a terminal gets lines wrapped at its width.
    console.soft_wrap = not console.is_terminal
    return console


# ---------------------------------------------------------------------------- progress


class _PlainObserver:
    """One line a feed, for logs and pipes."""

    def __init__(self, console: Console):
        self.console = console

    def started(self, total: int) -> None:
        self.console.print(f"polling {total} feed{'s' if total != 1 else ''}", markup=False)

    def finished(self, result: PollResult) -> None:
        self.console.print(_result_line(result), markup=False)


class _BarObserver:
    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = progress.add_task("polling", total=None)

    def started(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def finished(self, result: PollResult) -> None:
        self.progress.advance(self.task)
        if result.outcome is Outcome.FAILED:
            self.progress.console.print(Text(_result_line(result), style="yellow"))


def _result_line(result: PollResult) -> str:
    if result.outcome is Outcome.OK:
        line = f"ok            {result.name}: {result.new_items} new"
        if result.updated_items:
            line += f", {result.updated_items} edited"
        if result.error:
            line += f" ({result.error})"
        return line
    if result.outcome is Outcome.NOT_MODIFIED:
        return f"not modified  {result.name}"
    return f"failed        {result.name}: {result.error}"


def _summary_line(summary: PollSummary) -> str:
    return (
        f"{len(summary.results)} feeds in {summary.elapsed:.1f} s: "
        f"{summary.count(Outcome.OK)} ok, {summary.count(Outcome.NOT_MODIFIED)} not modified, "
        f"{summary.count(Outcome.FAILED)} failed; {summary.new_items} new items"
        + (f", {summary.updated_items} edited" if summary.updated_items else "")
    )


def run_poll(db: Path, config: Config, *, force: bool = False, console: Console | None = None) -> PollSummary:
    from .poller import poll

    console = console or _console()
    if console.is_terminal:
        with Progress(
            TextColumn("[bold]polling"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            summary = asyncio.run(poll(db, config, force=force, observer=_BarObserver(progress)))
    else:
        summary = asyncio.run(poll(db, config, force=force, observer=_PlainObserver(console)))
    console.print(_summary_line(summary), markup=False)
    return summary


# ---------------------------------------------------------------------------- commands


def cmd_poll(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if not config.feeds:
        _console().print(f"{args.config}: no feeds configured — add [[feed]] tables", markup=False)
        return 0
    run_poll(args.db, config, force=args.all)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .poller import poll

    console = _console()
    config = load_config(args.config)
    mtime = _mtime(args.config)
    console.print(f"watching {len(config.feeds)} feeds into {args.db}; Ctrl-C to stop", markup=False)

    async def loop() -> None:
        nonlocal config, mtime
        while True:
            if _mtime(args.config) != mtime:
                try:
                    config = load_config(args.config)
                    mtime = _mtime(args.config)
                    console.print(f"{args.config} changed: {len(config.feeds)} feeds", markup=False)
                except BriefingError as exc:
                    console.print(f"{exc} (keeping the previous feeds)", markup=False)
                    mtime = _mtime(args.config)
            summary = await poll(args.db, config, observer=_PlainObserver(console) if args.verbose else None)
            if summary.results:
                stamp = datetime.now().strftime("%H:%M:%S")
                console.print(f"{stamp} {_summary_line(summary)}", markup=False)
            with Store(args.db) as store:
                due = store.next_due_at()
            wait = 60.0 if due is None else (due - datetime.now(UTC)).total_seconds()
            await asyncio.sleep(min(max(wait, 1.0), 60.0))

    try:
        asyncio.run(loop())
    except KeyboardInterrupt:
        console.print("stopped", markup=False)
    return 0


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def cmd_feeds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    now = datetime.now(UTC)
    with Store(args.db) as store:
        store.sync_feeds(config)
        health = store.feed_health(now)
    if args.json:
        for row in health:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    table = Table(title=f"{len(health)} feeds", expand=False)
    for column in ("feed", "side", "status", "last success", "last new item", "items/day", "next poll", "last error"):
        table.add_column(column, overflow="fold")
    for row in health:
        status = row["last_status"] or "never polled"
        if not row["in_config"]:
            status = "removed from config"
        elif not row["enabled"]:
            status = "disabled"
        elif row["consecutive_failures"] > 1:
            status += f" ×{row['consecutive_failures']}"
        style = {"ok": "green", "not_modified": "green", "failed": "red"}.get(row["last_status"] or "", "")
        table.add_row(
            Text(row["name"]),
            Text(row["side"] or "–"),
            Text(status, style=style),
            Text(_ago(from_iso(row["last_success_at"]), now)),
            _quiet(from_iso(row["last_new_item_at"]), row["items_per_day"], now),
            Text(f"{row['items_per_day']:.1f}"),
            Text(_until(from_iso(row["next_poll_at"]), now) if row["in_config"] and row["enabled"] else "–"),
            Text(row["last_error"] or ""),
        )
    _console().print(table)
    return 0


def _quiet(last_new: datetime | None, per_day: float, now: datetime) -> Text:
    """Time since the feed last brought something new, flagged when that is unusually long:
    a ministry's feed going quiet during an escalation is news in itself."""
    text = Text(_ago(last_new, now))
    if last_new is not None and per_day >= 1:
        expected_gap = 86400 / per_day
        if (now - last_new).total_seconds() > max(4 * expected_gap, 3 * 3600):
            text.append(" (quiet)", style="yellow")
    return text


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = (now - when).total_seconds()
    if seconds < 90:
        return f"{max(0, int(seconds))} s ago"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h ago"
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _until(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "now"
    seconds = (when - now).total_seconds()
    if seconds <= 0:
        return "due"
    return f"in {round(seconds / 60)} min" if seconds >= 90 else f"in {int(seconds)} s"


def cmd_items(args: argparse.Namespace) -> int:
    since = parse_time(args.since, what="--since") if args.since else None
    until = parse_time(args.until, what="--until") if args.until else None
    _require_db(args.db)
    from .query import add_words, parse_filter

    # one search path: --search is plain words added to the filter (so `C++` means the same in both)
    flt = add_words(parse_filter(args.filter or ""), args.search or "")
    with Store(args.db) as store:
        items = store.search(flt, since=since, until=until, limit=args.limit)
    if args.json:
        out = sys.stdout
        for item in items:
            out.write(json.dumps(item.as_json(), ensure_ascii=False) + "\n")
        return 0
    console = _console()
    for item in items:
        line = Text()
        line.append(item.published.astimezone().strftime("%Y-%m-%d %H:%M %Z"), style="dim")
        line.append("  ")
        line.append(f"[{(item.side or '?')[:3].upper()}]", style="bold")
        line.append(f" {item.feed_name}: ", style="cyan")
        line.append(item.title)
        console.print(line)
    if not items:
        console.print("no items", markup=False)
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from .brief import write_brief

    # feeds.toml gives the desk's time zone; a brief needs no feeds, so a missing default file is fine
    config = load_config(args.config) if args.config.exists() or args.config != Path(DEFAULT_CONFIG) else Config(())
    text, path = write_brief(
        args.db, config, day=args.date, since=args.since, until=args.until, tz=args.tz,
        filter_text=args.filter, as_of=args.as_of, output=args.output, force=args.force,
    )  # fmt: skip
    if path is None:
        sys.stdout.write(text)
    else:
        print(f"wrote the brief to {path}")
    return 0


def _require_db(db: Path) -> None:
    if not Path(db).exists():
        raise BriefingError(f"{db}: no database yet — run `briefing poll` first, or pass --db FILE")


def _with_progress(console: Console, label: str, run: Callable[..., T]) -> T:
    """`run(progress=callback)` under a transient Rich bar on a terminal; plainly otherwise."""
    if not console.is_terminal:
        return run()
    with Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(label, total=None)
        return run(progress=lambda n, total: progress.update(task, completed=n, total=total))


def cmd_reclassify(args: argparse.Namespace) -> int:
    from .labelling import reclassify

    _require_db(args.db)
    console = _console()
    done = _with_progress(console, "classifying", partial(reclassify, args.db, everything=args.all))
    console.print(f"relabelled {done} items", markup=False)
    return 0


def cmd_recluster(args: argparse.Namespace) -> int:
    _require_db(args.db)
    console = _console()
    with Store(args.db) as store:
        _with_progress(console, "grouping stories", store.recluster)
        stories, grouped, items = store.story_counts()
    console.print(f"{stories} stories; {grouped} of them tell {items} items", markup=False)
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from .opml import import_opml

    added, skipped = import_opml(args.file, args.config)
    console = _console()
    console.print(
        f"added {len(added)} feeds to {args.config}; {len(skipped)} already there", markup=False
    )
    if any(f.side is None or f.kind is None for f in added):
        console.print(
            "set side and kind for the new feeds in the file: the panes use them as a signal",
            markup=False,
        )
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    from .opml import export_opml

    text = export_opml(load_config(args.config))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BriefingError(f"{args.output}: cannot write it ({exc.strerror}) — check the folder exists") from None
    else:
        sys.stdout.write(text)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DemoServer, default_demo_db, fresh_demo_db

    db = Path(args.db) if args.db_given else default_demo_db()
    if args.db_given and db.resolve() == Path(DEFAULT_DB).resolve():
        raise BriefingError(f"{db}: the demo never writes to your own database — pass another --db FILE")
    fresh_demo_db(db)
    console = _console()
    with DemoServer(initial_hours=args.start_hours, speed=args.speed) as server:
        config = server.config(interval=10)
        # briefs written with `b` go beside the demo database, never into the current folder
        config = replace(config, brief=replace(config.brief, directory=str(db.parent / "briefing-demo-briefs")))
        console.print(f"demo feeds on {server.base_url}, database {db}", markup=False)
        run_poll(db, config, console=console)
        with Store(db) as store:
            newest = store.items(limit=15)
        for item in newest:
            line = Text(item.published.strftime("%d %b %H:%M UTC "), style="dim")
            line.append(f"[{(item.side or '?')[:3].upper()}] ", style="bold")
            line.append(item.title)
            console.print(line)
        if args.once or not sys.stdout.isatty():
            return 0
        if not args.plain:
            from .tui import run_dashboard

            news = server.news
            run_dashboard(db, config, auto_poll=True,
                          clock=lambda: news.start + timedelta(minutes=server.clock.minute()))  # fmt: skip
            return 0
        console.print("new items arrive as the story unfolds; Ctrl-C to stop", markup=False)
        try:
            while True:
                asyncio.run(asyncio.sleep(10))
                from .poller import poll

                summary = asyncio.run(poll(db, config))
                if summary.new_items or summary.updated_items:
                    with Store(db) as store:
                        for item in reversed(store.items(limit=summary.new_items)):
                            line = Text(item.published.strftime("%d %b %H:%M UTC "), style="dim")
                            line.append(f"[{(item.side or '?')[:3].upper()}] ", style="bold")
                            line.append(item.title)
                            console.print(line)
        except KeyboardInterrupt:
            console.print("stopped", markup=False)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from .tui import run_dashboard

    config = load_config(args.config) if Path(args.config).exists() or args.poll else None
    if args.poll and not (config and config.feeds):
        raise BriefingError(f"{args.config}: no feeds configured — add [[feed]] tables, or leave out --poll")
    if not sys.stdout.isatty():
        raise BriefingError("the dashboard needs a terminal — for a pipe use `briefing items` or `briefing brief`")
    run_dashboard(args.db, config, auto_poll=args.poll)
    return 0


# ---------------------------------------------------------------------------- parser


def _common(suppress: bool) -> argparse.ArgumentParser:
    """--config and --db, accepted before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    common.add_argument(
        "--config", type=Path, default=default,
        help=f"the feeds file (default: ./{DEFAULT_CONFIG}, or $BRIEFING_CONFIG)",
    )  # fmt: skip
    common.add_argument(
        "--db", type=Path, default=default,
        help=f"the database file (default: ./{DEFAULT_DB}, or $BRIEFING_DB)",
    )  # fmt: skip
    return common


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = _common(suppress=True)
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A terminal briefing dashboard for the Armenia–Azerbaijan conflict.",
        parents=[_common(suppress=False)],
    )
    parser.add_argument("--poll", action="store_true", help="with no command: the dashboard, polling on schedule")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("poll", parents=[common], help="poll the due feeds once")
    p.add_argument("--all", action="store_true", help="poll every enabled feed, due or not")
    p.set_defaults(func=cmd_poll)

    p = sub.add_parser("watch", parents=[common], help="poll on schedule until Ctrl-C")
    p.add_argument("-v", "--verbose", action="store_true", help="a line for every feed polled")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("feeds", parents=[common], help="feed health: last success, errors, items per day")
    p.add_argument("--json", action="store_true", help="one JSON object per feed")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("items", parents=[common], help="list stored items, newest first")
    p.add_argument("--since", help="6h, 2d, today, 2023-09-19, 2023-09-19T06:00 (local time)")
    p.add_argument("--until", help="same forms as --since")
    p.add_argument("--search", help="full-text search in titles and summaries")
    p.add_argument(
        "--filter", metavar="EXPR",
        help="the dashboard's filter language, e.g. 'shelling side:az place:khankendi @today -lang:ru'",
    )  # fmt: skip
    p.add_argument("--limit", type=_positive, default=None, help="at most this many (default: 50, all with --json)")
    p.add_argument("--json", action="store_true", help="one JSON object per line, for jq")
    p.set_defaults(func=cmd_items)

    p = sub.add_parser("reclassify", parents=[common], help="recompute panes, actors and places after a rules change")
    p.add_argument("--all", action="store_true", help="every item, not only those labelled by older rules")
    p.set_defaults(func=cmd_reclassify)

    p = sub.add_parser("recluster", parents=[common], help="rebuild the stories: which items report the same news")
    p.set_defaults(func=cmd_recluster)

    p = sub.add_parser("brief", parents=[common], help="write the Markdown daily brief (stdout, or -o FILE)")
    p.add_argument("--date", help="the local day to brief, YYYY-MM-DD (default: today)")
    p.add_argument("--since", help="start of the window instead of a day: 2023-09-19T06:00, 12h (brief's time zone)")
    p.add_argument("--until", help="end of the window (default: now)")
    p.add_argument("--tz", help="IANA time zone, e.g. Asia/Yerevan (default: [brief] timezone, else this machine's)")
    p.add_argument("--filter", help="the dashboard's filter language, e.g. 'side:azerbaijan place:lachin'")
    p.add_argument("-o", "--output", type=Path, help="write to this file; recorded for 'since the previous brief'")
    p.add_argument("--force", action="store_true", help="let -o replace an existing file that is not a brief")
    p.add_argument("--as-of", help="fix the 'generated' time, for reproducible output")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("import-opml", parents=[common], help="add the feeds of an OPML file to feeds.toml")
    p.add_argument("file", type=Path, help="the OPML file")
    p.set_defaults(func=cmd_import_opml)

    p = sub.add_parser("export-opml", parents=[common], help="write feeds.toml as OPML")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.set_defaults(func=cmd_export_opml)

    p = sub.add_parser("demo", parents=[common], help="the offline demo: sample news of 19–20 Sept 2023")
    p.add_argument("--once", action="store_true", help="poll once, print the newest items and exit")
    p.add_argument("--plain", action="store_true", help="print new items as lines instead of opening the dashboard")
    p.add_argument("--speed", type=float, default=2.0, help="story minutes per real second (default 2)")
    p.add_argument(
        "--start-hours", type=float, default=36,
        help="hours of the 48-hour story released at start (default 36)",
    )  # fmt: skip
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("dashboard", parents=[common], help="the dashboard (also: `briefing` with no command)")
    p.add_argument("--poll", action="store_true", default=argparse.SUPPRESS,
                   help="also poll the feeds on schedule, in the dashboard")  # fmt: skip
    p.set_defaults(func=cmd_dashboard)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db_given = args.db is not None
    if args.db is None:
        args.db = Path(os.environ.get("BRIEFING_DB", DEFAULT_DB))
    if args.config is None:
        args.config = Path(os.environ.get("BRIEFING_CONFIG", DEFAULT_CONFIG))
    if getattr(args, "limit", None) is None and hasattr(args, "limit") and not args.json:
        args.limit = 50
    if args.command is None:
        if not sys.stdout.isatty() or not sys.stdin.isatty():
            parser.print_help()  # no terminal to draw the dashboard on
            return 0
        args.func = cmd_dashboard
    try:
        return args.func(args)
    except BriefingError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            print(f"briefing: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `briefing items --json | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
        return 0
