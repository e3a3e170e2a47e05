"""How well items are grouped into stories, and how fast: pairwise precision and recall, items/s.

    python bench/cluster_eval.py --data tests/data/stories.jsonl
    python bench/cluster_eval.py --data ../shared/eval/dev.jsonl      # skipped when absent
    python bench/cluster_eval.py --big 1000000 --ingest 20000          # ingest rate at 1M stored items

Quality: every item of FILE is ingested through the real Store (one feed per source, labels from
the real classifier), oldest first, as a poller would. Two items are a predicted pair when they
end up in one story, a gold pair when FILE gives them the same `story` (empty = alone).
Items without a date are stored with the time of the dated item before them in the file (as if
polled then), which is what a feed without dates gets in real life: its first-seen time.

Speed: `--big N` builds an N-item database with bench/synth.py (reused when the file exists),
stores signatures for its last days (synth.py writes none), then ingests fresh items, in feeds of
40, timing the writer (Store.ingest with the signatures precomputed, as the parse workers do)
and, separately, the signature work the parse workers do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.classify import classify
from briefing.models import Config, Entry, FeedConfig
from briefing.store import Store
from briefing.stories import signature


def _published(record: dict) -> datetime | None:
    text = record.get("published") or record.get("date") or ""
    if not text:
        return None
    if len(text) == 10:
        text += "T12:00:00Z"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(records: list[dict], *, verbose: bool = False) -> dict[str, float]:
    """Ingest `records` into a fresh database; compare its stories with the gold ones."""
    sources = sorted({r["source"] for r in records})
    feeds = tuple(
        FeedConfig(name=name, url=f"https://feed{i}.example/rss",
                   side=next((r.get("side") for r in records if r["source"] == name), None))
        for i, name in enumerate(sources)
    )  # fmt: skip
    clock = datetime(2023, 9, 1, tzinfo=UTC)
    stamped = []
    for index, record in enumerate(records):
        when = _published(record)
        clock = when or clock
        stamped.append((when or clock, when, index, record))
    stamped.sort(key=lambda s: (s[0], s[2]))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        store.sync_feeds(Config(feeds=feeds))
        by_name = {f.name: f for f in store.active_feeds()}
        item_of: dict[int, int] = {}
        started = time.perf_counter()
        for seen, when, index, record in stamped:
            entry = Entry(guid=f"item-{index}", title=record.get("title") or "", summary=record.get("summary") or "",
                          link=record.get("url") or None, published=when, language=record.get("lang"))  # fmt: skip
            label = classify(entry.title, entry.summary, feed_side=record.get("side"), language=entry.language)
            result = store.ingest(by_name[record["source"]], [entry], seen, [label])
            ids = result.new_ids or result.updated_ids
            if ids:
                item_of[index] = ids[0]
        elapsed = time.perf_counter() - started
        story_of_item = store.story_assignments()
    predicted = {i: story_of_item[item_of[i]] for i in item_of}
    gold = {i: (records[i].get("story") or f"alone-{i}") for i in item_of}
    pairs = list(combinations(sorted(item_of), 2))
    dated = {i for i in item_of if _published(records[i]) is not None}
    tp, fp, fn = _counts(pairs, predicted, gold)
    dtp, dfp, dfn = _counts([(a, b) for a, b in pairs if a in dated and b in dated], predicted, gold)
    if verbose:
        for a, b in pairs:
            same_p, same_g = predicted[a] == predicted[b], gold[a] == gold[b]
            if same_p != same_g:
                kind = "FALSE PAIR " if same_p else "MISSED PAIR"
                print(f"{kind} {gold[a]} / {gold[b]}\n    {_line(records[a])}\n    {_line(records[b])}")
    return {
        "items": len(item_of),
        "gold_pairs": tp + fn,
        "predicted_pairs": tp + fp,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "items_per_s": len(item_of) / elapsed if elapsed else 0.0,
        "dated_items": len(dated),
        "dated_precision": dtp / (dtp + dfp) if dtp + dfp else 1.0,
        "dated_recall": dtp / (dtp + dfn) if dtp + dfn else 1.0,
    }


def _counts(pairs: list[tuple[int, int]], predicted: dict, gold: dict) -> tuple[int, int, int]:
    """(true pairs found, false pairs made, true pairs missed)."""
    tp = sum(1 for a, b in pairs if predicted[a] == predicted[b] and gold[a] == gold[b])
    fp = sum(1 for a, b in pairs if predicted[a] == predicted[b] and gold[a] != gold[b])
    fn = sum(1 for a, b in pairs if predicted[a] != predicted[b] and gold[a] == gold[b])
    return tp, fp, fn


def _line(record: dict) -> str:
    text = record.get("title") or record.get("summary") or ""
    return f"[{record.get('lang')}] {record['source']}: {text[:90]}"


def report(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name}: {figures['items']} items, {figures['gold_pairs']} gold pairs, {figures['predicted_pairs']} predicted;"
        f" precision {figures['precision']:.3f}, recall {figures['recall']:.3f};"
        f" {figures['items_per_s']:,.0f} items/s (small database)"
    )
    if figures["dated_items"] < figures["items"]:
        print(f"  pairs of dated items only ({figures['dated_items']} items): precision"
              f" {figures['dated_precision']:.3f}, recall {figures['dated_recall']:.3f}")  # fmt: skip


# ----------------------------------------------------------------------------- speed at scale

def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    syllables = ["ka", "ra", "ba", "ne", "lo", "mi", "tu", "sha", "ar", "ze", "vo", "gi", "da", "pe", "ho", "ny"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _fresh_entries(rng: random.Random, start: datetime, count: int, run: str) -> list[Entry]:
    """New items over a day: a third rewrite an earlier report (another outlet's wording: most
    words kept, some replaced), the rest new occurrences. Words follow a Zipf-like law (flattened
    at the top, as after dropping function words), so common words crowd some LSH buckets."""
    vocab = _vocabulary(rng)
    weights = [1 / (rank + 20) for rank in range(len(vocab))]  # the commonest word in ~1 item of 3

    def words(n: int) -> list[str]:
        return rng.choices(vocab, weights, k=n)

    entries: list[Entry] = []
    for i in range(count):
        when = start + timedelta(seconds=i * 86400 / count)
        if entries and rng.random() < 0.33:
            base = rng.choice(entries[-300:])
            kept = [w if rng.random() < 0.75 else words(1)[0] for w in base.summary.split()]
            title, summary = base.title, " ".join(kept)
        else:
            title = " ".join(words(8)).capitalize()
            summary = " ".join(words(25))
        entries.append(Entry(guid=f"{run}-{i}", title=title, summary=summary,
                             link=f"https://fresh.example/{run}/{i}", published=when))  # fmt: skip
    return entries


def speed(n_items: int, n_ingest: int, db: Path) -> None:
    from bench.synth import build_db

    end = datetime(2024, 9, 1, tzinfo=UTC)
    if not db.exists():
        print(f"building {n_items:,} items into {db} …", file=sys.stderr)
        build_db(db, n_items, end=end, quiet=False)
    with Store(db) as store:
        stored = store.count_items()
        started = time.perf_counter()
        signed = store.sign_items(since=end - timedelta(days=4))
        print(f"signed {signed:,} recent items in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        store.sync_feeds(Config(feeds=tuple(FeedConfig(name=f"Fresh {i}", url=f"https://fresh{i}.example/rss")
                                            for i in range(10))))  # fmt: skip
        feeds = [f for f in store.active_feeds() if f.name.startswith("Fresh")]
        rng = random.Random(time.time_ns())  # new words each run: the database may hold earlier runs'
        entries = _fresh_entries(rng, end - timedelta(hours=24), n_ingest, run=f"run{time.time_ns()}")
        t0, c0 = time.perf_counter(), time.process_time()
        sigs = [signature(e.title, e.summary) for e in entries]
        sign_time, sign_cpu = time.perf_counter() - t0, time.process_time() - c0
        warm = (len(entries) // 5) // 40 * 40  # the first fifth: the index loads its days and decodes
        figures = []
        for part in (entries[:warm], entries[warm:]):
            offset = 0 if part is entries[:warm] else warm
            new = 0
            t0, c0 = time.perf_counter(), time.process_time()
            for start in range(0, len(part), 40):
                batch = part[start : start + 40]
                sig_batch = sigs[offset + start : offset + start + 40]
                result = store.ingest(feeds[(start // 40) % len(feeds)], batch, end, signatures=sig_batch)
                new += len(result.new_ids)
            figures.append((new, time.perf_counter() - t0, time.process_time() - c0))
        stories, grouped, _ = store.story_counts()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"ingest with clustering at {stored:,} stored items (feeds of 40, load average {load:.1f}"
          f" on {os.cpu_count()} cores), the writer (Store.ingest, signatures given):")
    for label, (new, wall, cpu) in zip(("first", "then"), figures, strict=True):
        print(f"  {label} {new:,} items: {new / wall:,.0f} items/s wall, {new / cpu:,.0f} items per CPU second"
              + (" (loading the index of the days around)" if label == "first" else ""))
    print(f"  signatures (the parse workers' share): {n_ingest / sign_time:,.0f} items/s wall,"
          f" {n_ingest / sign_cpu:,.0f} items per CPU second")
    print(f"  {stories:,} stories, {grouped:,} of several items")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="a labelled JSONL file (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every false and missed pair")
    parser.add_argument("--big", type=int, default=0, help="measure ingest speed with this many items stored")
    parser.add_argument("--ingest", type=int, default=20_000, help="items to ingest in the speed run")
    parser.add_argument("--db", type=Path, default=None, help="the big database (default: a temp file per size)")
    args = parser.parse_args()
    if not args.data and not args.big:
        args.data = [Path(__file__).resolve().parent.parent / "tests" / "data" / "stories.jsonl"]
    for path in args.data:
        if not path.exists():
            print(f"{path}: absent, skipped")
            continue
        report(str(path), evaluate(load(path), verbose=args.verbose))
    if args.big:
        db = args.db or Path(tempfile.gettempdir()) / f"briefing-synth-{args.big}.db"
        speed(args.big, args.ingest, db)


if __name__ == "__main__":
    main()
