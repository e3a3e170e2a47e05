"""How long the dashboard waits for its data after a keystroke in the filter line.

    python bench/query.py                    # 1,000,000 items (built once, then reused)
    python bench/query.py --items 100000 --runs 30

For each typical filter it times what one keystroke costs the dashboard's worker: parse the
filter, count the four panes and read a 30-row window of each (the plan cache is dropped
before every run, as a new keystroke makes a new filter). It prints p50 and p95 per filter and
over all runs, then the same while typing a filter one character at a time. Target: p95 of the
whole keystroke < 50 ms at 1,000,000 items, rendering included (bench/tui.py measures that).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefing.query import FilterError, parse_filter
from briefing.store import Store
from briefing.store.search import PANES

WINDOW = 30


def _rare_word(store: Store) -> str:
    """A word in roughly 100–2,000 items: what a journalist looks up by name or number."""
    conn = store.db.conn
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocab USING fts5vocab(main, items_fts, 'row')")
    row = conn.execute(
        "SELECT term FROM temp.bench_vocab WHERE doc BETWEEN 100 AND 2000 AND length(term) > 4"
        " AND term GLOB '[a-z]*' ORDER BY doc LIMIT 1"
    ).fetchone()
    return row[0] if row else "kornidzor"


def keystroke(store: Store, text: str, now: datetime) -> None:
    """What the dashboard does on one keystroke: parse, four counts, four windows."""
    store._last_plan = None  # a new keystroke is a new filter
    try:
        flt = parse_filter(text, now=now, tz=UTC)
    except FilterError:
        return  # shown inline; no query
    store.pane_counts(flt)
    for pane in PANES:
        store.pane_window(flt, pane, offset=0, limit=WINDOW)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="use (or build) this database")
    parser.add_argument("--runs", type=int, default=20, help="runs per filter (default 20)")
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    args = parser.parse_args()

    path = args.db or Path(tempfile.gettempdir()) / f"briefing-bench-query-{args.items}.db"
    if args.rebuild or not path.exists():
        from synth import build_db

        print(f"building {args.items:,} items into {path} ...", file=sys.stderr)
        build_db(path, args.items, quiet=False)
    store = Store(path)  # applies pending migrations (m007's indexes) to an older file
    items = store.count_items()
    newest = store.db.conn.execute("SELECT max(published) FROM items").fetchone()[0]
    now = datetime.fromisoformat(newest.replace("Z", "+00:00"))
    rare = _rare_word(store)
    filters = [
        ("empty", ""),
        ("common word", "killed"),
        ("rare word", rare),
        ("no match", "zzyzx"),
        ("phrase", '"peacekeepers move"'),
        ("side:", "side:azerbaijan"),
        ("place: (alias)", "place:khankendi"),
        ("actor:", "actor:pashinyan"),
        ("source:", "source:reuters"),
        ("@today", "@today"),
        ("@2d +unread", "@2d +unread"),
        ("exclusion", "-killed -side:russia"),
        ("combined", "shelling side:az place:khankendi @7d -lang:ru"),
    ]
    print(f"{items:,} items, {path}; {args.runs} runs per filter; each run = parse + 4 counts + 4 windows of {WINDOW}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU ms = this process only)")
    print(f"{'filter':<16} {'text':<46} {'p50 ms':>7} {'p95 ms':>7} {'CPU p50':>7} {'CPU p95':>7}  counts")
    every: list[float] = []
    every_cpu: list[float] = []
    for label, text in filters:
        samples, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            keystroke(store, text, now)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        every += samples
        every_cpu += cpu
        p50, p95 = percentiles(samples)
        c50, c95 = percentiles(cpu)
        try:
            counts = store.pane_counts(parse_filter(text, now=now, tz=UTC))
            shown = " ".join(f"{counts[p]}" for p in PANES)
        except FilterError as exc:
            shown = f"error: {exc}"
        print(f"{label:<16} {text[:46]:<46} {p50:7.1f} {p95:7.1f} {c50:7.1f} {c95:7.1f}  {shown}")
    p50, p95 = percentiles(every)
    c50, c95 = percentiles(every_cpu)
    print(f"{'all filters':<63} {p50:7.1f} {p95:7.1f} {c50:7.1f} {c95:7.1f}")

    typed = "shelling side:az place:khankendi"
    samples, cpu = [], []
    for _ in range(max(1, args.runs // 5)):
        for end in range(1, len(typed) + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            keystroke(store, typed[:end], now)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    p50, p95 = percentiles(samples)
    c50, c95 = percentiles(cpu)
    print(f"{'typing':<16} {typed!r:<46} {p50:7.1f} {p95:7.1f} {c50:7.1f} {c95:7.1f}  ({len(samples)} keystrokes)")
    store.close()


if __name__ == "__main__":
    main()
