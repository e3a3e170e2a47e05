"""Brief benchmark: write the brief of a day with 5,000 items out of a database of 1,000,000.

Builds the database with bench/synth.py (the lead's realistic builder: classified texts, 30 feeds,
stories) unless --db names one already built, then times `write_brief` end to end — open the
store, read the day, carriers, gaps and the previous brief, render, write the file, record it —
and the phases separately. Target: under 1 s.

    python bench/brief.py                         # 1,000,000 items, 5,000 on the busy day
    python bench/brief.py --items 200000 --runs 3
    python bench/brief.py --db /tmp/big.db --keep # reuse a database built earlier
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import build_db

from briefing.brief import gather, render_brief, resolve_window, write_brief
from briefing.models import BriefSettings, Config
from briefing.store import Store

END = datetime(2024, 1, 2, tzinfo=UTC)  # the busy day is 1 January 2024 (UTC)
DAY = (END - timedelta(days=1)).date()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--day-items", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="use (or build, with --keep) this database file")
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    parser.add_argument("--filter", help="also time a filtered brief (the dashboard's filter language)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="brief-bench-"))
    db = args.db or workdir / "bench.db"
    built = not db.exists()
    if built:
        started = time.perf_counter()
        print(f"building {args.items:,} items ({args.day_items:,} on {DAY}) …", file=sys.stderr)
        build_db(db, args.items, end=END, busy_day_items=args.day_items, quiet=False)
        print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    config = Config(feeds=(), brief=BriefSettings(timezone="UTC"))

    with Store(db) as store:
        total = store.count_items()
    print(f"database: {total:,} items, {db.stat().st_size / 1e6:.0f} MB")

    runs, cpu = [], []
    out = workdir / "brief.md"
    for n in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        text, _ = write_brief(db, config, day=DAY, tz="UTC", as_of=END + timedelta(minutes=n), output=out)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    lines = text.count("\n")
    print(f"write_brief, day of {DAY}: first {runs[0] * 1000:.0f} ms, median {statistics.median(runs) * 1000:.0f} ms"
          f" over {len(runs)} runs ({len(text) / 1e6:.1f} MB, {lines:,} lines)")  # fmt: skip
    # CPU time says what the brief costs even when other work shares the cores (wall time then grows)
    print(f"  CPU time: median {statistics.median(cpu) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")

    with Store(db) as store:
        tz = ZoneInfo("UTC")
        window = resolve_window(day=DAY, tz=tz, tz_name="UTC", now=END)
        started = time.perf_counter()
        data, _ = gather(store, window, now=END)
        gathered = time.perf_counter() - started
        started = time.perf_counter()
        render_brief(data)
        rendered = time.perf_counter() - started
    items = sum(len(s.reports) for s in data.stories)
    print(f"  phases: gather {gathered * 1000:.0f} ms ({items:,} items in {len(data.stories):,} stories),"
          f" render {rendered * 1000:.0f} ms")  # fmt: skip

    if args.filter:
        started = time.perf_counter()
        text, _ = write_brief(db, config, day=DAY, tz="UTC", as_of=END, filter_text=args.filter)
        print(f"filtered ({args.filter!r}): {(time.perf_counter() - started) * 1000:.0f} ms,"
              f" {text.splitlines()[4][:100]}")  # fmt: skip

    if built and not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    if args.keep and db.parent == workdir:
        out.unlink(missing_ok=True)
        print(f"kept {db} (pass it as --db next time)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"target < 1000 ms: {'met' if statistics.median(runs) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
