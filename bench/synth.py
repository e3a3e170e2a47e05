"""A synthetic briefing database of N items, for the benchmarks that need a year of news.

    python bench/synth.py /tmp/big.db --items 1000000

`build_db(path, n_items)` creates the file through the real schema (the Store's migrations),
then bulk-inserts feeds, items, carriers, labels, full-text rows and stories in one transaction.
The texts come from a pool of a few thousand sentences built from templates and classified once
with the real classifier (so actor ids and place names are the ones the filters resolve), then
reused with different feeds and times. Items spread over `days` ending at `end` (default now);
the last full day before `end` holds `busy_day_items` items, so a brief benchmark has a heavy day.
About a third of the items belong to multi-item stories (same occurrence, several outlets).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.classify import Classification, classify
from briefing.store import PANE_COLUMNS, Store, iso
from briefing.store.schema import FTS_INSERT
from briefing.text import canonical_url, content_digest, search_form

FEEDS = [
    ("Armenpress", "armenia", "state-media"), ("Azatutyun", "armenia", "independent"),
    ("News.am", "armenia", "independent"), ("CivilNet", "armenia", "independent"),
    ("Armenian MFA", "armenia", "official"), ("Azertac", "azerbaijan", "state-media"),
    ("APA", "azerbaijan", "state-media"), ("Report.az", "azerbaijan", "state-media"),
    ("Trend", "azerbaijan", "state-media"), ("Azerbaijan MoD", "azerbaijan", "official"),
    ("Artsakh InfoCenter", "karabakh", "official"), ("Artsakhpress", "karabakh", "state-media"),
    ("TASS", "russia", "state-media"), ("Interfax", "russia", "wire"), ("RIA Novosti", "russia", "state-media"),
    ("Anadolu", "turkey", "state-media"), ("Daily Sabah", "turkey", "independent"),
    ("IRNA", "iran", "state-media"), ("Tehran Times", "iran", "state-media"),
    ("Reuters World", "international", "wire"), ("AP World", "international", "wire"),
    ("AFP", "international", "wire"), ("RFE/RL", "international", "independent"),
    ("Eurasianet", "international", "independent"), ("OC Media", "international", "independent"),
    ("ReliefWeb", "international", "humanitarian"), ("ICRC", "international", "humanitarian"),
    ("UN News", "international", "official"), ("Human Rights Watch", "international", "ngo"),
    ("BBC World", "international", "wire"),
]  # fmt: skip

PLACES = ["Stepanakert", "Khankendi", "Shusha", "Lachin", "Goris", "Askeran", "Martakert", "Martuni",
          "Yerevan", "Baku", "Aghdam", "Hadrut", "Kornidzor", "the Lachin corridor", "the Hakari bridge",
          "Syunik", "Jermuk", "Sotk", "Tegh", "Fuzuli", "Kalbajar", "Tavush", "Nakhchivan", "Yevlakh"]
PARTY_SPEAKERS = ["Nikol Pashinyan", "Ilham Aliyev", "Azerbaijan's defence ministry", "Armenia's foreign ministry",
                  "Hikmet Hajiyev", "Ararat Mirzoyan", "Jeyhun Bayramov", "the Karabakh information centre",
                  "Samvel Shahramanyan", "Armenia's defence ministry", "Azerbaijan's foreign ministry"]
THIRD_SPEAKERS = ["the UN Secretary-General", "the EU's Josep Borrell", "the US State Department",
                  "Russia's foreign ministry", "Maria Zakharova", "the Kremlin", "France's foreign ministry",
                  "Turkey's foreign ministry", "Iran's foreign ministry", "the OSCE", "the ICRC",
                  "Amnesty International"]
EVENTS = [
    "Artillery fire reported near {place}", "Drone strike hits a position outside {place}",
    "{n} soldiers killed in clashes near {place}", "Mine blast near {place} kills {n}",
    "Sirens sound in {place} as shelling resumes", "Russian peacekeepers move into {place}",
    "Checkpoint installed on the road to {place}", "Explosion at fuel depot near {place} leaves {n} dead",
    "Troops advance towards {place}", "Residents leave {place} in long columns of cars",
]
STATEMENTS = [
    "{party} says Armenian forces fired on positions near {place}",
    "{party} denies shelling civilian areas of {place}",
    "{party}: the operation near {place} targets only military positions",
    "{party} accuses the other side of provocations near {place}",
    "{party} calls for talks on the future of {place}", "{party} warns of a humanitarian catastrophe in {place}",
    "{party} rejects claims of ethnic cleansing in {place}", "{party} says {n} civilians were wounded in {place}",
]
HUMANITARIAN = [
    "Aid convoy waits at {place} as the road stays closed", "Shortages of food and fuel reported in {place}",
    "ICRC evacuates {n} wounded from {place}", "{n} refugees arrive in {place} overnight",
    "Medicine runs out in {place} hospital, doctors say", "Gas supply to {place} cut again",
]
REACTIONS = [
    "{third} urges restraint over fighting near {place}", "{third} calls for an emergency Security Council meeting",
    "{third} condemns the offensive and calls for access to {place}",
    "{third} says it is in contact with Baku and Yerevan over {place}",
    "{third} offers to mediate after clashes near {place}",
]
OFF_TOPIC = ["Stock markets close higher on tech rally", "Champions League: late goal settles the match",
             "Heatwave grips southern Europe", "Central bank holds rates steady"]
SUMMARY_TAIL = [
    "The report could not be independently verified.", "Officials gave no further details.",
    "The other side has not commented.", "Residents described a tense night.",
    "Talks are expected later this week.", "Casualty figures vary between sources.",
]
HEAVY = 5000


def _pool(rng: random.Random, size: int) -> list[tuple[str, str, object]]:
    """Distinct (title, summary, classification) triples, each classified once."""
    groups = [(EVENTS, "events", 4), (STATEMENTS, "statements", 4), (HUMANITARIAN, "humanitarian", 2),
              (REACTIONS, "reactions", 2), (OFF_TOPIC, "", 1)]  # fmt: skip
    weighted = [(templates, pane) for templates, pane, weight in groups for _ in range(weight)]
    pool, seen = [], set()
    while len(pool) < size:
        templates, pane = rng.choice(weighted)
        place = rng.choice(PLACES)
        title = rng.choice(templates).format(
            place=place, n=rng.randint(2, 200), party=rng.choice(PARTY_SPEAKERS), third=rng.choice(THIRD_SPEAKERS),
        )  # fmt: skip
        title = title[0].upper() + title[1:]
        if title in seen:
            continue
        seen.add(title)
        summary = f"{title}, according to reports on {rng.randint(1, 28)} September. {rng.choice(SUMMARY_TAIL)}"
        label = classify(title, summary)
        if not label.panes and pane:  # a classifier without rules yet: label by template
            label = Classification(panes=(pane,), why=((pane, ("template",)),), places=(place,))
        pool.append((title, summary, label))
    return pool


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def build_db(
    path: str | Path,
    n_items: int,
    *,
    days: int = 365,
    seed: int = 0,
    end: datetime | None = None,
    busy_day_items: int = HEAVY,
    pool_size: int = 20_000,
    quiet: bool = True,
) -> Path:
    """Create `path` afresh with `n_items` synthetic items. Returns the path."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    end = (end or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    started = time.perf_counter()
    with Store(path):
        pass  # the real schema, migrated
    pool = _pool(rng, min(pool_size, max(100, n_items)))
    if not quiet:
        print(f"  pool of {len(pool)} texts in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    item_cols = _columns(conn, "items")
    has_stories = "story_id" in item_cols
    story_cols = _columns(conn, "stories") if has_stories else set()
    conn.execute("BEGIN")
    stamp = iso(end - timedelta(days=days + 1))
    conn.executemany(
        "INSERT INTO feeds (id, config_url, url, name, side, kind, language, tags, interval, enabled,"
        " in_config, created_at, last_status, last_success_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(i + 1, f"https://feed{i + 1}.example/rss", f"https://feed{i + 1}.example/rss", name, side, kind, "en",
          "[]", 900, 1, 1, stamp, "ok", iso(end)) for i, (name, side, kind) in enumerate(FEEDS)],
    )  # fmt: skip

    # Times: the last full day before `end` is busy; the rest spread evenly, oldest first.
    busy_start = (end - timedelta(days=1)).replace(hour=0, minute=0, second=0)
    busy = min(busy_day_items, n_items)
    span = (busy_start - (end - timedelta(days=days))).total_seconds()
    rest = n_items - busy
    offsets = sorted(rng.random() * span for _ in range(rest))
    times = [busy_start - timedelta(seconds=span - o) for o in offsets]
    times += sorted(busy_start + timedelta(seconds=rng.random() * 86400) for _ in range(busy))

    pane_cols = list(PANE_COLUMNS.values())
    base_cols = ["id", "link", "link_key", "title", "summary", "published", "date_estimated", "first_seen",
                 "updated_at", "language", "content_hash", "feed_id", "read", "starred", *pane_cols,
                 "on_topic", "speaker", "speaker_side", "why", "rules_version"]  # fmt: skip
    if has_stories:
        base_cols.append("story_id")
    insert_item = f"INSERT INTO items ({','.join(base_cols)}) VALUES ({','.join('?' * len(base_cols))})"
    items, carriers, fts, actors, places, stories = [], [], [], [], [], []
    story_id = 0
    item_id = 0
    i = 0
    batch = 50_000

    def flush() -> None:
        conn.executemany(insert_item, items)
        conn.executemany("INSERT INTO item_feeds (feed_id, guid, item_id, first_seen) VALUES (?,?,?,?)", carriers)
        conn.executemany(FTS_INSERT, fts)  # after its item: the panes column comes from the row (m009)
        conn.executemany("INSERT OR IGNORE INTO item_actors (item_id, actor) VALUES (?,?)", actors)
        conn.executemany("INSERT OR IGNORE INTO item_places (item_id, place) VALUES (?,?)", places)
        for rows in (items, carriers, fts, actors, places):
            rows.clear()

    from briefing.classify import RULES_VERSION

    while i < n_items:
        # a story: 1 item (two thirds of the time) or 2–8 outlets reporting the same occurrence
        size = 1 if rng.random() < 0.66 else rng.randint(2, 8)
        size = min(size, n_items - i)
        title, summary, label = rng.choice(pool)
        story_id += 1
        feeds = rng.sample(range(1, len(FEEDS) + 1), size)
        members = []
        for k in range(size):
            item_id += 1
            when = times[i]
            i += 1
            feed_id = feeds[k]
            link = f"https://feed{feed_id}.example/news/{item_id}"
            text_title = title if k == 0 else f"{title} — {FEEDS[feed_id - 1][0]}"
            published = iso(when)
            row = [
                item_id, link, canonical_url(link), text_title, summary, published, 0, published, published,
                "en", content_digest(text_title, summary), feed_id, int(when < end - timedelta(days=2)), 0,
                *(int(p in label.panes) for p in PANE_COLUMNS), int(label.on_topic),
                label.speaker.id if label.speaker else None, label.speaker.side if label.speaker else None,
                json.dumps({p: list(c) for p, c in label.why}), RULES_VERSION,
            ]  # fmt: skip
            if has_stories:
                row.append(story_id)
            items.append(row)
            carriers.append((feed_id, f"g{item_id}", item_id, published))
            fts.append((search_form(text_title), search_form(summary), item_id))
            actors.extend((item_id, a.id) for a in label.actors)
            places.extend((item_id, p) for p in label.places)
            members.append((item_id, published, FEEDS[feed_id - 1][1]))
        if has_stories:
            stories.append((story_id, members))
        if len(items) >= batch:
            flush()
            if not quiet:
                print(f"  {i:,} items", file=sys.stderr)
    flush()

    if has_stories:
        values = {
            "id": lambda sid, m: sid,
            "first_item": lambda sid, m: min(m, key=lambda x: x[1])[0],
            "first_published": lambda sid, m: min(x[1] for x in m),
            "last_published": lambda sid, m: max(x[1] for x in m),
            "size": lambda sid, m: len(m),
            "sources": lambda sid, m: len(m),
            "sides": lambda sid, m: ",".join(sorted({x[2] for x in m})),
            "latest_item": lambda sid, m: max(m, key=lambda x: x[1])[0],
        }
        cols = [c for c in values if c in story_cols]
        conn.executemany(
            f"INSERT INTO stories ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
            ([values[c](sid, m) for c in cols] for sid, m in stories),
        )
    conn.execute("COMMIT")
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.close()
    if not quiet:
        print(f"  built {n_items:,} items in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    build_db(args.path, args.items, days=args.days, seed=args.seed, quiet=False)
    print(f"{args.path}: {args.items:,} items")


if __name__ == "__main__":
    main()
