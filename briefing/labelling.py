"""Where classification meets the pipeline: at ingest, and again with `briefing reclassify`.

Both run the classifier in worker processes when there is much to do (it is pure Python and
CPU-bound) and write from one thread. The rules version is stored on every item, so a
reclassification after the rules or the gazetteer change touches only stale items.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .classify import RULES_VERSION, Classification, classify
from .models import Entry
from .store import Store

BATCH = 2000


def classify_entries(
    entries: Sequence[Entry], *, feed_side: str | None, feed_kind: str | None, feed_tags: tuple[str, ...]
) -> tuple[Classification, ...]:
    """The parse workers' labels for a feed's entries (briefing.poller.parse_classify_sign)."""
    return tuple(
        classify(entry.title, entry.summary, feed_side=feed_side, feed_kind=feed_kind, feed_tags=feed_tags,
                 language=entry.language)
        for entry in entries
    )  # fmt: skip


Row = tuple[int, str, str, str | None, str | None, tuple[str, ...], str | None]


def classify_rows(rows: Sequence[Row]) -> list[tuple[int, Classification]]:
    return [
        (item_id, classify(title, summary, feed_side=side, feed_kind=kind, feed_tags=tags, language=language))
        for item_id, title, summary, side, kind, tags, language in rows
    ]


def _batches(store: Store, everything: bool) -> Iterator[list[Row]]:
    after = 0
    while True:
        rows = store.items_to_classify(
            after_id=after, limit=BATCH, only_version_not=None if everything else RULES_VERSION
        )
        if not rows:
            return
        after = rows[-1][0]
        yield rows


def reclassify(
    db: str | Path,
    *,
    everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
) -> int:
    """Relabel stale items (all items with `everything`). Returns how many were relabelled."""
    with Store(db) as store:
        total = store.count_items() if everything else store.count_unclassified(RULES_VERSION)
        if progress:
            progress(0, total)
        if total == 0:
            return 0
        workers = processes if processes is not None else min(2, os.cpu_count() or 1)
        done = 0
        if workers <= 1 or total < BATCH:
            for rows in _batches(store, everything):
                store.save_labels(classify_rows(rows), RULES_VERSION)
                done += len(rows)
                if progress:
                    progress(done, total)
            return done
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["briefing.labelling"])
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # keep a few batches in flight: read ahead while the workers classify
            pending = []
            for rows in _batches(store, everything):
                pending.append(pool.submit(classify_rows, rows))
                if len(pending) > workers * 2:
                    labelled = pending.pop(0).result()
                    store.save_labels(labelled, RULES_VERSION)
                    done += len(labelled)
                    if progress:
                        progress(done, total)
            for future in pending:
                labelled = future.result()
                store.save_labels(labelled, RULES_VERSION)
                done += len(labelled)
                if progress:
                    progress(done, total)
        return done
