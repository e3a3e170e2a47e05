"""The store on real SQLite files: identity, edits, duplicates across feeds, locking."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from briefing.errors import StoreError
from briefing.models import Config, Entry, FeedConfig
from briefing.store import Store

T0 = datetime(2023, 9, 19, 9, 0, tzinfo=UTC)


def config(*urls: str) -> Config:
    return Config(feeds=tuple(FeedConfig(name=f"feed {i}", url=u, side="armenia") for i, u in enumerate(urls)))


def entry(guid: str, title: str = "Title", summary: str = "Summary", link: str | None = None, published=T0):
    return Entry(guid=guid, title=title, summary=summary, link=link, published=published)


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    s.sync_feeds(config("https://a.example/feed", "https://b.example/feed"))
    yield s
    s.close()


def feeds(store):
    return {f.config_url: f for f in store.active_feeds()}


def test_new_database_is_wal_and_migrated(store, db_path):
    assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"feeds", "items", "item_feeds", "item_history", "poll_log", "items_fts"} <= set(store.db.table_names())
    Store(db_path).close()  # reopening applies nothing twice


def test_same_entry_polled_again_is_updated_not_duplicated(store):
    a = feeds(store)["https://a.example/feed"]
    first = store.ingest(a, [entry("1")], T0)
    again = store.ingest(a, [entry("1")], T0 + timedelta(minutes=5))
    assert len(first.new_ids) == 1 and again.new_ids == () and again.updated_ids == ()
    assert store.count_items() == 1


def test_edit_is_kept_as_history(store):
    a = feeds(store)["https://a.example/feed"]
    [item_id] = store.ingest(a, [entry("1", "At least 25 killed", "Toll rises")], T0).new_ids
    result = store.ingest(a, [entry("1", "At least 32 killed", "Toll rises again")], T0 + timedelta(hours=1))
    assert result.updated_ids == (item_id,)
    assert store.item(item_id).title == "At least 32 killed"
    [(changed_at, old_title, old_summary)] = store.history(item_id)
    assert old_title == "At least 25 killed" and old_summary == "Toll rises"
    assert changed_at == T0 + timedelta(hours=1)
    assert [i.id for i in store.items(text="32")] == [item_id]
    assert store.items(text="25") == []


def test_same_link_in_two_feeds_is_one_item_with_two_carriers(store):
    f = feeds(store)
    link = "https://news.example/story?id=7&utm_source=rss"
    [item_id] = store.ingest(f["https://a.example/feed"], [entry("a-7", link=link)], T0).new_ids
    second = store.ingest(f["https://b.example/feed"], [entry("b-99", link="https://NEWS.example/story?id=7")], T0)
    assert second.new_ids == ()
    assert store.count_items() == 1
    assert [name for name, _side, _seen in store.carriers(item_id)] == ["feed 0", "feed 1"]


def test_guids_and_links_rewritten_from_http_to_https_are_not_new_items(store):
    a = feeds(store)["https://a.example/feed"]
    store.ingest(a, [entry("http://news.example/1", link="http://news.example/1")], T0)
    again = store.ingest(a, [entry("https://news.example/1", link="https://news.example/1")], T0 + timedelta(hours=1))
    assert again.new_ids == () and store.count_items() == 1


def test_missing_date_uses_first_seen_and_is_marked(store):
    a = feeds(store)["https://a.example/feed"]
    [item_id] = store.ingest(a, [entry("1", published=None)], T0).new_ids
    item = store.item(item_id)
    assert item.published == T0 and item.date_estimated


def test_search_folds_azerbaijani_letters(store):
    a = feeds(store)["https://a.example/feed"]
    store.ingest(a, [entry("1", "Prezident İlham Əliyev Bakıda çıxış edib")], T0)
    for query in ("baki", "Bakı", "ilham", "ƏLİYEV", "eliyev"):
        assert len(store.items(text=query)) == 1, query


@pytest.mark.parametrize("query", ["C++", "AT&T", "it's", "-minus", "*", '"unbalanced', "foo AND", "NEAR(", "title:"])
def test_search_never_raises_on_fts_syntax(store, query):
    assert isinstance(store.items(text=query), list)


def test_sync_feeds_keeps_removed_feeds_items(store):
    a = feeds(store)["https://a.example/feed"]
    store.ingest(a, [entry("1")], T0)
    store.sync_feeds(config("https://b.example/feed"))
    assert list(feeds(store)) == ["https://b.example/feed"]
    assert store.count_items() == 1


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not a usable briefing database"):
        Store(bad)
    assert "these are my notes" in bad.read_text()


def test_writer_and_reader_in_two_connections_never_lock(db_path):
    """A poller writing batches while the dashboard reads and searches in a loop."""
    writer = Store(db_path, check_same_thread=False)
    writer.sync_feeds(config("https://a.example/feed"))
    feed = writer.active_feeds()[0]
    errors: list[BaseException] = []
    stop = threading.Event()

    def write():
        try:
            for batch in range(60):
                writer.ingest(feed, [entry(f"{batch}-{i}", f"Shelling report {batch} {i}") for i in range(50)],
                              T0 + timedelta(seconds=batch))
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    def read():
        reader = Store(db_path, check_same_thread=False)
        try:
            while not stop.is_set():
                reader.items(limit=50)
                reader.items(text="shelling", limit=20)
                reader.set_flags([1], read=True)  # readers write too (read/starred marks)
        except BaseException as exc:
            errors.append(exc)
        finally:
            reader.close()

    threads = [threading.Thread(target=write), threading.Thread(target=read), threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    writer.close()
    assert errors == []
    with Store(db_path) as s:
        assert s.count_items() == 3000


def test_read_transaction_open_elsewhere_does_not_block_writes(db_path):
    store = Store(db_path)
    store.sync_feeds(config("https://a.example/feed"))
    feed = store.active_feeds()[0]
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM items").fetchone()  # holds a read snapshot
    started = time.monotonic()
    store.ingest(feed, [entry("1")], T0)
    assert time.monotonic() - started < 2
    other.execute("COMMIT")
    other.close()
    store.close()


def test_labels_are_stored_and_read_back(store):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Actor:
        id: str
        side: str

    @dataclass(frozen=True)
    class Label:
        panes: tuple = ("events", "statements")
        on_topic: bool = True
        why: tuple = (("events", ("physical act 'shelling'",)), ("statements", ("'said' by Azerbaijan MoD",)))
        speaker: Actor | None = Actor("az-mod", "azerbaijan")
        actors: tuple = (Actor("az-mod", "azerbaijan"), Actor("ru-peacekeepers", "russia"))
        places: tuple = ("Stepanakert", "Lachin corridor")

    a = feeds(store)["https://a.example/feed"]
    [item_id] = store.ingest(a, [entry("1")], T0, classifications=[Label()], rules_version="r1").new_ids
    item = store.item(item_id)
    assert item.panes == ("events", "statements")
    assert item.speaker == "az-mod" and item.speaker_side == "azerbaijan"
    assert set(item.actors) == {"az-mod", "ru-peacekeepers"}
    assert set(item.places) == {"Stepanakert", "Lachin corridor"}
    assert item.why["events"] == ["physical act 'shelling'"]
    assert item.as_json()["panes"] == ["events", "statements"]
    assert store.count_unclassified("r1") == 0 and store.count_unclassified("r2") == 1
    [(batch_id, *_rest)] = store.items_to_classify(only_version_not="r2")
    store.save_labels([(batch_id, Label(panes=("humanitarian",), actors=(), places=()))], "r2")
    again = store.item(item_id)
    assert again.panes == ("humanitarian",) and again.actors == () and again.places == ()


def test_many_threads_opening_a_new_database_at_once_migrate_it_once(tmp_path):
    """The dashboard's workers open their own Store at start-up: none may see a half-migrated file."""
    path = tmp_path / "new.db"
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_it() -> None:
        start.wait()
        try:
            with Store(path) as store:
                store.count_items()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(path) as store:
        names = [row[0] for row in store.db.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))


def test_a_store_that_created_the_database_keeps_it_against_readers_elsewhere(tmp_path):
    """The Store that creates (or migrates) a database must keep SQLite's lock on the file: a
    process holding no lock is taken for gone, and a reader elsewhere closing its connection
    then checkpoints and deletes the WAL under it, so later commits are lost (watch's first poll)."""
    import subprocess
    import sys

    path = tmp_path / "new.db"
    reader = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "print(c.execute('SELECT count(*) FROM feeds').fetchone()[0]); c.close()")

    def feeds_seen_elsewhere() -> str:
        return subprocess.run([sys.executable, "-c", reader, str(path)], capture_output=True, text=True,
                              check=True, timeout=60).stdout.strip()

    with Store(path) as store:
        assert feeds_seen_elsewhere() == "0"
        store.sync_feeds(config("https://e.org/f"))
        assert feeds_seen_elsewhere() == "1"


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        Store(path)
    conn = sqlite3.connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"moz_places"}
    assert conn.execute("SELECT count(*) FROM moz_places").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not even switched to WAL


def test_a_failed_savepoint_undoes_only_its_own_part(store):
    a, b = feeds(store)["https://a.example/feed"], feeds(store)["https://b.example/feed"]
    with store.transaction():
        with store.savepoint():
            store.ingest(a, [entry("kept", "Mine blast near Aghdam")], T0)
        with pytest.raises(RuntimeError), store.savepoint():
            store.ingest(b, [entry("undone", "Shelling near Shusha")], T0)
            raise RuntimeError("the second feed's write failed")
        with store.savepoint():
            store.ingest(b, [entry("after", "Talks planned in Brussels")], T0)
    assert sorted(i.title for i in store.items()) == ["Mine blast near Aghdam", "Talks planned in Brussels"]
    assert store.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_savepoint_outside_a_transaction_is_a_programming_error(store):
    with pytest.raises(RuntimeError), store.savepoint():
        pass


def test_new_items_of_a_feed_keep_their_own_actors_and_places(store):
    from briefing.classify import RULES_VERSION, classify

    texts = [(f"g{i}", f"Shelling near {place}, says Pashinyan", place)
             for i, place in enumerate(["Shusha", "Lachin", "Martakert", "Goris"] * 110)]  # over one INSERT's rows
    entries = [entry(guid, title, link=f"https://a.example/{guid}") for guid, title, _ in texts]
    labels = [classify(e.title, e.summary, feed_side="armenia") for e in entries]
    a = feeds(store)["https://a.example/feed"]
    ids = store.ingest(a, entries, T0, classifications=labels, rules_version=RULES_VERSION).new_ids
    assert len(ids) == len(texts)
    for item_id, label in zip(ids, labels, strict=True):
        item = store.item(item_id)
        assert set(item.places) == set(label.places) and set(item.actors) == {x.id for x in label.actors}
    assert {store.item(ids[-1]).places} == {("Goris",)}


def test_an_edit_in_the_same_document_replaces_the_labels_of_its_earlier_copy(store):
    from briefing.classify import RULES_VERSION, classify

    first = entry("1", "Shelling near Shusha", link="https://a.example/same")
    second = entry("2", "Aid convoy reaches Goris", link="https://a.example/same")  # same link, new text
    a = feeds(store)["https://a.example/feed"]
    labels = [classify(e.title, e.summary, feed_side="armenia") for e in (first, second)]
    result = store.ingest(a, [first, second], T0, classifications=labels, rules_version=RULES_VERSION)
    [item_id] = result.new_ids
    item = store.item(item_id)
    assert item.title == "Aid convoy reaches Goris"
    assert set(item.places) == set(labels[1].places) and "Shusha" not in item.places


def test_pane_tokens_written_at_ingest_match_the_sql_the_trigger_uses():
    from itertools import product

    from briefing.store.schema import fts_panes, pane_tokens

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE i (pane_events, pane_statements, pane_humanitarian, pane_reactions, on_topic)")
    for flags in product((0, 1), repeat=5):
        conn.execute("DELETE FROM i")
        conn.execute("INSERT INTO i VALUES (?, ?, ?, ?, ?)", flags)
        [(sql,)] = conn.execute(f"SELECT {fts_panes('i')} FROM i").fetchall()
        assert pane_tokens(flags[:4], flags[4]) == sql


def test_rows_prepared_in_a_worker_are_stored_as_the_writer_would_store_them(tmp_path):
    """A big poll works out a new entry's columns in its parse workers (store.prepare); the
    stored rows, full-text rows and stories are those the writer makes without them."""
    from briefing.classify import RULES_VERSION, classify
    from briefing.store import prepare
    from briefing.stories import signature

    entries = [entry("1", "Shelling reported in Stepanakert", "Ağdam and Xankəndi residents said", "https://a.example/1"),
               entry("2", "Aid convoy waits at the Hakari bridge", "The Red Cross said", published=None),
               entry("3", "Ilham Aliyev says the operation is over", "Baku, 20 September", "https://a.example/3",
                     published=T0 + timedelta(days=1))]  # fmt: skip
    labels = [classify(e.title, e.summary) for e in entries]
    signatures = [signature(e.title, e.summary) for e in entries]
    rows = prepare(entries, labels, signatures, RULES_VERSION)

    def stored(name: str, **prepared) -> tuple:
        with Store(tmp_path / name) as s:
            s.sync_feeds(config("https://a.example/feed"))
            [feed] = s.active_feeds()
            s.ingest(feed, entries, T0 + timedelta(hours=5), labels, RULES_VERSION, signatures=signatures, **prepared)
            conn = s.db.conn
            return (conn.execute("SELECT * FROM items ORDER BY id").fetchall(),
                    conn.execute("SELECT rowid, title, summary, panes FROM items_fts ORDER BY rowid").fetchall(),
                    conn.execute("SELECT * FROM stories ORDER BY id").fetchall())  # fmt: skip

    by_writer, by_worker = stored("writer.db"), stored("worker.db", prepared=rows)
    assert by_worker == by_writer
    assert rows[1].published is None and "Xankendi" in rows[0].summary  # a dateless entry's time is the writer's


def test_a_label_s_reasons_are_stored_as_the_same_json_however_they_are_held():
    """The `why` column is cached per reasons; reasons held in lists (not hashable) still store."""
    from briefing.store import _why_json

    why = (("events", ("shelling", "Stepanakert")), ("statements", ("said «ceasefire»",)))
    expected = json.dumps({"events": ["shelling", "Stepanakert"], "statements": ["said «ceasefire»"]},
                          ensure_ascii=False)  # fmt: skip
    assert _why_json(why) == _why_json(why) == expected
    assert _why_json([[pane, list(cues)] for pane, cues in why]) == expected
