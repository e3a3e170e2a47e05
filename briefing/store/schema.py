"""The database schema, as migrations from the first version on.

Add a change as a new function decorated with `@migrations()`; never edit one that has shipped.
Times are UTC ISO-8601 text ("2023-09-19T09:00:00Z"), which sorts as time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("briefing")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            config_url TEXT NOT NULL UNIQUE,      -- as written in feeds.toml
            url TEXT NOT NULL,                    -- fetched now; a permanent redirect changes it
            name TEXT NOT NULL,
            side TEXT,
            kind TEXT,
            language TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            interval INTEGER NOT NULL DEFAULT 900,
            enabled INTEGER NOT NULL DEFAULT 1,
            in_config INTEGER NOT NULL DEFAULT 1,
            title TEXT,
            site_link TEXT,
            etag TEXT,
            last_modified TEXT,
            next_poll_at TEXT,
            last_polled_at TEXT,
            last_success_at TEXT,
            last_status TEXT,
            last_error TEXT,
            last_http_status INTEGER,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );

        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            link TEXT,
            link_key TEXT,                        -- canonical link: the same article in any feed
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            published TEXT NOT NULL,              -- the feed's date, or first_seen when it had none
            date_estimated INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            language TEXT,
            author TEXT,
            content_hash TEXT NOT NULL,
            feed_id INTEGER NOT NULL REFERENCES feeds(id),   -- the first feed that carried it
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX items_link_key ON items(link_key) WHERE link_key IS NOT NULL;
        CREATE INDEX items_published ON items(published);
        CREATE INDEX items_first_seen ON items(first_seen);
        CREATE INDEX items_feed ON items(feed_id, published);

        CREATE TABLE item_feeds (                -- every feed that carried an item
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            guid TEXT NOT NULL,
            item_id INTEGER NOT NULL REFERENCES items(id),
            first_seen TEXT NOT NULL,
            PRIMARY KEY (feed_id, guid)
        ) WITHOUT ROWID;
        CREATE INDEX item_feeds_item ON item_feeds(item_id);

        CREATE TABLE item_history (              -- earlier versions of edited items
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            feed_id INTEGER REFERENCES feeds(id),
            changed_at TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL
        );
        CREATE INDEX item_history_item ON item_history(item_id);

        CREATE TABLE poll_log (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            started_at TEXT NOT NULL,
            elapsed_ms INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            http_status INTEGER,
            new_items INTEGER NOT NULL DEFAULT 0,
            updated_items INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX poll_log_feed ON poll_log(feed_id, started_at);
        CREATE INDEX poll_log_started ON poll_log(started_at);

        -- Full-text search over a folded copy of title and summary (folded in Python: the
        -- unicode61 tokenizer does not fold Azerbaijani dotless i). rowid = items.id.
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, summary, tokenize = 'unicode61 remove_diacritics 2'
        );
        """
    )


@migrations()
def m002_classification(db: Database) -> None:
    """Panes, actors, places, speaker and reasons for every item (see briefing.classify)."""
    db.executescript(
        """
        ALTER TABLE items ADD COLUMN pane_events INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE items ADD COLUMN pane_statements INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE items ADD COLUMN pane_humanitarian INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE items ADD COLUMN pane_reactions INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE items ADD COLUMN on_topic INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE items ADD COLUMN speaker TEXT;             -- actor id
        ALTER TABLE items ADD COLUMN speaker_side TEXT;
        ALTER TABLE items ADD COLUMN why TEXT NOT NULL DEFAULT '{}';   -- {"pane": ["cue", ...]}
        ALTER TABLE items ADD COLUMN rules_version TEXT;       -- NULL: not classified yet

        CREATE INDEX items_pane_events ON items(pane_events, published);
        CREATE INDEX items_pane_statements ON items(pane_statements, published);
        CREATE INDEX items_pane_humanitarian ON items(pane_humanitarian, published);
        CREATE INDEX items_pane_reactions ON items(pane_reactions, published);
        CREATE INDEX items_rules_version ON items(rules_version);

        CREATE TABLE item_actors (
            item_id INTEGER NOT NULL REFERENCES items(id),
            actor TEXT NOT NULL,                              -- actor id from the gazetteer
            PRIMARY KEY (item_id, actor)
        ) WITHOUT ROWID;
        CREATE INDEX item_actors_actor ON item_actors(actor, item_id);

        CREATE TABLE item_places (
            item_id INTEGER NOT NULL REFERENCES items(id),
            place TEXT NOT NULL,                              -- canonical place name
            PRIMARY KEY (item_id, place)
        ) WITHOUT ROWID;
        CREATE INDEX item_places_place ON item_places(place, item_id);
        """
    )


@migrations()
def m005_briefs(db: Database) -> None:
    """Every brief written, so the next one can say what is new since."""
    db.executescript(
        """
        CREATE TABLE briefs (
            id INTEGER PRIMARY KEY,
            generated_at TEXT NOT NULL,
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            tz TEXT NOT NULL,
            filter TEXT,
            items INTEGER NOT NULL,
            max_item_id INTEGER NOT NULL,     -- the newest item the brief could see
            path TEXT
        );
        """
    )


@migrations()
def m006_stories(db: Database) -> None:
    """Items that report the same occurrence share a story (see briefing.stories).

    Every item has a story (a lone item is a story of one). Items already stored become
    stories of one; `briefing recluster` groups them.
    """
    db.executescript(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_item INTEGER NOT NULL,          -- who reported it first (earliest published)
            latest_item INTEGER NOT NULL,         -- the newest report
            first_published TEXT NOT NULL,
            last_published TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 1,      -- items
            sources INTEGER NOT NULL DEFAULT 1,   -- distinct feeds, carriers included
            sides TEXT NOT NULL DEFAULT ''        -- distinct sides of those feeds, sorted, comma-separated
        );
        CREATE INDEX stories_last_published ON stories(last_published);
        ALTER TABLE items ADD COLUMN story_id INTEGER REFERENCES stories(id);
        ALTER TABLE items ADD COLUMN signature BLOB;     -- briefing.stories.Signature: the writer's LSH index
                                                         -- is built from these, a day at a time
        CREATE INDEX items_story ON items(story_id, published);

        CREATE TABLE story_feeds (                      -- every feed that carried one of a story's items
            story_id INTEGER NOT NULL,
            feed_id INTEGER NOT NULL,
            PRIMARY KEY (story_id, feed_id)
        ) WITHOUT ROWID;

        INSERT INTO stories (id, first_item, latest_item, first_published, last_published, size, sources, sides)
            SELECT items.id, items.id, items.id, items.published, items.published, 1,
                   (SELECT count(DISTINCT feed_id) FROM item_feeds WHERE item_id = items.id),
                   coalesce((SELECT group_concat(side) FROM (SELECT DISTINCT feeds.side FROM item_feeds
                             JOIN feeds ON feeds.id = item_feeds.feed_id
                             WHERE item_feeds.item_id = items.id AND feeds.side IS NOT NULL ORDER BY feeds.side)), '')
            FROM items;
        INSERT INTO story_feeds (story_id, feed_id) SELECT DISTINCT item_id, feed_id FROM item_feeds;
        UPDATE items SET story_id = id;
        """
    )


@migrations()
def m007_saved_filters(db: Database) -> None:
    """Named filters the journalist saves in the dashboard, and indexes for the filter queries.

    A pane is read newest first from a partial index of its on-topic items, which also holds
    story_id and feed_id so that counting stories, and side:/source: filters, need no table
    lookups (see briefing/store/search.py).
    """
    db.executescript(
        """
        CREATE TABLE saved_filters (
            name TEXT PRIMARY KEY,
            text TEXT NOT NULL,                   -- as typed, parsed again when recalled
            saved_at TEXT NOT NULL
        );
        CREATE INDEX items_events_shown ON items(published, story_id, feed_id) WHERE pane_events = 1 AND on_topic = 1;
        CREATE INDEX items_statements_shown ON items(published, story_id, feed_id)
            WHERE pane_statements = 1 AND on_topic = 1;
        CREATE INDEX items_humanitarian_shown ON items(published, story_id, feed_id)
            WHERE pane_humanitarian = 1 AND on_topic = 1;
        CREATE INDEX items_reactions_shown ON items(published, story_id, feed_id)
            WHERE pane_reactions = 1 AND on_topic = 1;
        CREATE INDEX items_starred ON items(published) WHERE starred = 1;
        -- A narrow copy of what filters test, by id: reading a set of items (a word's matches,
        -- an actor's items) touches this small index instead of the wide rows.
        CREATE INDEX items_facets ON items(id, published, story_id, feed_id, pane_events, pane_statements,
                                           pane_humanitarian, pane_reactions, on_topic, read, starred, language);
        """
    )


# The panes an item `i` is shown in, as rows of `p.pane` (0 events .. 3 reactions): m008's triggers.
_PANE_OF = "(SELECT 0 AS pane UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) p"
_SHOWN = (
    "i.on_topic = 1 AND CASE p.pane WHEN 0 THEN i.pane_events WHEN 1 THEN i.pane_statements"
    " WHEN 2 THEN i.pane_humanitarian ELSE i.pane_reactions END = 1"
)


@migrations()
def m008_pane_tags(db: Database) -> None:
    """Each actor and place of an on-topic item, once per pane it is shown in, by time.

    `actor:x` or `place:y` then reads a pane newest first from a short index range instead of
    walking the whole pane and probing every item (briefing/store/search.py). Triggers keep it
    in step on every write path (ingest, edits of published, reclassify, bulk loads): rows follow
    item_actors/item_places inserts and deletes, and are rebuilt when an item's panes, on_topic
    or published change. tag = 'a:' || actor id or 'p:' || canonical place; pane = index in PANES.
    """
    tags = (("places", "'p:' || x.place"), ("actors", "'a:' || x.actor"))
    db.executescript(
        """
        CREATE TABLE pane_tags (
            tag TEXT NOT NULL,            -- 'a:' || actor id, 'p:' || canonical place
            pane INTEGER NOT NULL,        -- 0 events, 1 statements, 2 humanitarian, 3 reactions
            published TEXT NOT NULL,      -- items.published
            item_id INTEGER NOT NULL,
            PRIMARY KEY (tag, pane, published, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX pane_tags_item ON pane_tags(item_id);
        """
    )
    for table, tag in tags:  # backfill, in key order
        db.execute(
            f"INSERT OR IGNORE INTO pane_tags (tag, pane, published, item_id) SELECT {tag}, p.pane, i.published, i.id"
            f" FROM item_{table} x JOIN items i ON i.id = x.item_id, {_PANE_OF} WHERE {_SHOWN} ORDER BY 1, 2, 3, 4"
        )
    script = []
    for table, tag in tags:
        new, old = tag.replace("x.", "new."), tag.replace("x.", "old.")
        script.append(
            f"""
            CREATE TRIGGER pane_tags_{table}_added AFTER INSERT ON item_{table} BEGIN
                INSERT OR IGNORE INTO pane_tags (tag, pane, published, item_id)
                SELECT {new}, p.pane, i.published, i.id FROM items i, {_PANE_OF} WHERE i.id = new.item_id AND {_SHOWN};
            END;
            CREATE TRIGGER pane_tags_{table}_removed AFTER DELETE ON item_{table} BEGIN
                DELETE FROM pane_tags WHERE item_id = old.item_id AND tag = {old};
            END;
            """
        )
    flags = ("pane_events", "pane_statements", "pane_humanitarian", "pane_reactions", "on_topic", "published")
    changed = " OR ".join(f"old.{f} IS NOT new.{f}" for f in flags)
    rebuild = "\n".join(
        f"INSERT OR IGNORE INTO pane_tags (tag, pane, published, item_id) SELECT {tag}, p.pane, i.published, i.id"
        f" FROM item_{table} x JOIN items i ON i.id = x.item_id, {_PANE_OF} WHERE x.item_id = new.id AND {_SHOWN};"
        for table, tag in tags
    )
    script.append(
        f"""
        CREATE TRIGGER pane_tags_item_changed AFTER UPDATE OF {", ".join(flags)} ON items WHEN {changed} BEGIN
            DELETE FROM pane_tags WHERE item_id = new.id;
            {rebuild}
        END;
        CREATE TRIGGER pane_tags_item_removed AFTER DELETE ON items BEGIN
            DELETE FROM pane_tags WHERE item_id = old.id;
        END;
        """
    )
    db.executescript("".join(script))


@migrations()
def m008_unread_index(db: Database) -> None:
    """Unread items by time: `+unread` when few are unread (a day's news in a year) reads them
    from here instead of walking whole panes (briefing/store/search.py)."""
    db.execute("CREATE INDEX items_unread ON items(published) WHERE read = 0")


def fts_panes(item: str) -> str:
    """SQL: the `panes` text of items row `item` in items_fts (m009) — a token `p0`..`p3` for
    each pane (index in PANES) the item is shown in, i.e. flagged and on topic; '' for none."""
    flags = ("pane_events", "pane_statements", "pane_humanitarian", "pane_reactions")
    tokens = " || ".join(f"CASE WHEN {item}.{flag} = 1 THEN ' p{n}' ELSE '' END" for n, flag in enumerate(flags))
    return f"CASE WHEN {item}.on_topic = 1 THEN ltrim({tokens}) ELSE '' END"


def pane_tokens(flags: Sequence[int], on_topic: int) -> str:
    """Python's fts_panes: the `panes` text for pane flags in PANES order (for a new item's row,
    where INSERT … SELECT into FTS5 costs four times a plain INSERT)."""
    return " ".join(f"p{n}" for n, flag in enumerate(flags) if flag == 1) if on_topic == 1 else ""


# An item's full-text row, its panes read from its row (whose labels went in with it): (title, summary, id).
FTS_INSERT = (
    "INSERT INTO items_fts (rowid, title, summary, panes)"
    f" SELECT id, ?, ?, {fts_panes('items')} FROM items WHERE id = ?"
)


@migrations()
def m009_fts_pane(db: Database) -> None:
    """The panes an item is shown in, as tokens of a third full-text column.

    `killed` in a pane that holds none of its matches walked that whole pane (a common word and
    a near-empty pane: ~100 ms at 1M items); `killed AND panes:p1` is answered by FTS5 itself from
    two doclists. Users' queries are confined to `{title summary}` (briefing/store/search.py
    `user_match`), so typing `p1` never matches this column. The ingest inserts the column from
    the item's row (Store._insert_item); this trigger follows reclassification. FTS5 cannot add a
    column: the table is rebuilt from its own (already folded) text.
    """
    old, new = fts_panes("old"), fts_panes("new")
    db.executescript(
        f"""
        ALTER TABLE items_fts RENAME TO items_fts_m008;
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, summary, panes, tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO items_fts (rowid, title, summary, panes)
            SELECT f.rowid, f.title, f.summary, coalesce({fts_panes("i")}, '')
            FROM items_fts_m008 f LEFT JOIN items i ON i.id = f.rowid ORDER BY f.rowid;
        DROP TABLE items_fts_m008;
        CREATE TRIGGER items_fts_panes AFTER UPDATE OF pane_events, pane_statements, pane_humanitarian,
                pane_reactions, on_topic ON items WHEN {old} IS NOT {new} BEGIN
            UPDATE items_fts SET panes = {new} WHERE rowid = new.id;
        END;
        """
    )
