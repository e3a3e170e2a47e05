"""How fast the dashboard is on a big database: first paint, filter keystrokes, memory.

    python bench/tui.py --items 1000000

Builds (once, cached in the temp directory) a database of N items with bench/synth.py in a child
process, so the memory figure is the dashboard's own; then runs the real app headless at 160×48
and prints:
- time to first paint: from creating the app to the four panes painted with rows and counts;
- p95 (and median, max) from a keystroke in the filter line to the panes repainted with its
  result, over a set of typed filters that use every kind of token, each key waiting for the
  last one's answer (the worst case: every prefix is queried in full);
- typing at a steady pace (8 keys/s) without waiting: last key of each filter → its panes;
- peak memory (max RSS) of this process.
Targets at N = 1,000,000: first paint < 1 s, p95 < 50 ms, memory < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The app as `briefing` runs it: its package is imported before Textual (it sets TEXTUAL_FPS).
import briefing.tui  # noqa: F401

HANG = 30.0  # seconds without an answer: report a hang rather than wait forever
FILTERS = [
    "stepanakert",
    "side:azerbaijan",
    "place:lachin",
    "actor:pashinyan",
    '"lachin corridor"',
    "shell* -drone",
    "@6h",
    "+unread",
    "source:apa",
]


def build(items: int, path: Path | None) -> Path:
    path = path or Path(tempfile.gettempdir()) / f"briefing-bench-{items}.db"
    if not path.exists():
        started = time.perf_counter()
        code = (
            "import sys; sys.path.insert(0, 'bench'); from synth import build_db; "
            f"build_db({str(path)!r}, {items})"
        )
        subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)
        print(f"built {path} ({items:,} items) in {time.perf_counter() - started:.1f} s")
    return path


async def measure(db: Path, rounds: int) -> tuple[float, list[float]]:
    """Keys go in as the terminal driver would send them; a repaint is the screen's compositor
    refresh that follows the panes taking the new filter's result."""
    from textual import events

    from briefing.tui.app import BriefingApp

    started = time.perf_counter()
    app = BriefingApp(db, None, watch_interval=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.main
        while screen is None or not screen.loaded:
            await asyncio.sleep(0.001)
            screen = app.main
        await _painted(screen)
        first_paint = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()

        # Every frame, with the filter text whose rows the panes held when it began: the screen
        # sets applied_text and the panes' rows together, so a frame that began with it shows them.
        frames: list[tuple[float, str]] = []
        original = screen._compositor_refresh

        def refresh() -> None:
            applied = screen.applied_text
            original()
            frames.append((time.perf_counter(), applied))

        screen._compositor_refresh = refresh
        latencies: list[float] = []
        for _ in range(rounds):
            for text in FILTERS:
                await pilot.press("slash")
                for typed in (text[:n] for n in range(1, len(text) + 1)):
                    key = typed[-1]
                    seen = len(frames)
                    t0 = time.perf_counter()
                    app._driver.send_message(events.Key(_key(key), key))
                    # the first frame painted with this prefix's rows (right after the send, the
                    # screen still shows the previous one: "applied == filter line" is the echo).
                    # Polling applied_text and then waiting for the next frame timed a later frame
                    # whenever the rows were painted before the poll saw them.
                    while (done := next((t for t, applied in frames[seen:] if applied == typed), None)) is None:
                        await asyncio.sleep(0.0002)
                        if time.perf_counter() - t0 > HANG:
                            raise SystemExit(f"no answer for {screen.filter_text!r} after {HANG} s")
                    latencies.append(done - t0)
                    await pilot.pause()
                await pilot.press("escape")
                await app.workers.wait_for_complete()
                await pilot.pause()
        del screen._compositor_refresh
        return first_paint, latencies


async def _painted(screen) -> None:
    """Wait for the screen's next compositor refresh (the frame that shows what changed)."""
    done = asyncio.Event()
    original = screen._compositor_refresh

    def refresh() -> None:
        original()
        done.set()

    screen._compositor_refresh = refresh
    try:
        await done.wait()
    finally:
        del screen._compositor_refresh


async def typing(db: Path, cadence: float) -> list[float]:
    """Keys at a steady typing pace, not waiting for answers (stale queries are interrupted):
    for each filter, the time from its last key to a painted frame showing its panes."""
    from textual import events

    from briefing.tui.app import BriefingApp

    app = BriefingApp(db, None, watch_interval=3600)
    latencies: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.main
        while screen is None or not screen.loaded:
            await asyncio.sleep(0.01)
            screen = app.main
        await app.workers.wait_for_complete()
        frames: list[tuple[float, str]] = []
        original = screen._compositor_refresh

        def refresh() -> None:
            original()
            frames.append((time.perf_counter(), screen.applied_text))

        screen._compositor_refresh = refresh
        for text in FILTERS:
            await pilot.press("slash")
            sent: list[tuple[float, str]] = []
            for n, key in enumerate(text, start=1):
                sent.append((time.perf_counter(), text[:n]))
                app._driver.send_message(events.Key(_key(key), key))
                await asyncio.sleep(cadence)
            while not any(applied == text and t >= sent[-1][0] for t, applied in frames):
                await asyncio.sleep(0.001)
                if time.perf_counter() - sent[-1][0] > HANG:
                    raise SystemExit(f"no answer for {text!r} after {HANG} s (shows {screen.applied_text!r})")
            at = sent[-1][0]  # the last key: how long until the panes show the whole filter
            latencies.append(next(t for t, applied in frames if t >= at and applied == text) - at)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
    return latencies


def _key(ch: str) -> str:
    from textual.keys import _character_to_key

    return ch if ch.isalnum() else _character_to_key(ch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="use (or build) this database instead of a cached one")
    parser.add_argument("--rounds", type=int, default=1, help="times to type the whole set of filters")
    parser.add_argument("--cadence", type=float, default=0.12,
                        help="also type at this many seconds a key without waiting (0: skip)")  # fmt: skip
    args = parser.parse_args()
    db = build(args.items, args.db)
    first_paint, latencies = asyncio.run(measure(db, args.rounds))
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items:                 {args.items:,}")
    print(f"first paint:           {first_paint * 1000:.0f} ms   (target < 1000 ms)")
    print(f"filter keystroke p95:  {p95 * 1000:.1f} ms   (median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms, {len(latencies)} keys; target p95 < 50 ms)")  # fmt: skip
    if args.cadence:
        typed = sorted(asyncio.run(typing(db, args.cadence)))
        p95_typed = typed[max(0, int(len(typed) * 0.95) - 1)]
        print(f"typing at {1 / args.cadence:.0f} keys/s, last key → panes: p95 {p95_typed * 1000:.1f} ms "
              f"(median {statistics.median(typed) * 1000:.1f} ms, max {typed[-1] * 1000:.1f} ms)")  # fmt: skip
    print(f"peak memory (RSS):     {peak_mb:.0f} MB   (target < 300 MB)")


if __name__ == "__main__":
    main()
