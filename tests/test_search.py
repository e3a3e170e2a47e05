"""Filters against a real Store file: panes, one row per story, counts, search, saved filters, CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.classify import Actor, Classification
from briefing.cli import main
from briefing.models import Config, Entry, FeedConfig
from briefing.query import COUNT_CAP, FilterError, parse_filter
from briefing.store import Store, search
from briefing.store.search import SearchMixin

NOW = datetime(2023, 9, 20, 12, 0, tzinfo=UTC)
ALIYEV = Actor("ilham-aliyev", "Ilham Aliyev", "azerbaijan", "government")
PASHINYAN = Actor("nikol-pashinyan", "Nikol Pashinyan", "armenia", "government")
STEPANAKERT = "Stepanakert / Khankendi"
FEEDS = [("Azertac", "azerbaijan", "az"), ("Armenpress", "armenia", "en"), ("Reuters World", "international", "en"),
         ("TASS", "russia", "ru")]  # fmt: skip


def label(*panes: str, actors=(), places=(), on_topic=True) -> Classification:
    return Classification(panes=panes, on_topic=on_topic, why=tuple((p, ("test",)) for p in panes),
                          actors=tuple(actors), places=tuple(places))  # fmt: skip


# (feed index, guid, title, hours before NOW, labels)
ITEMS = [
    (0, "az1", "Azerbaijan launches anti-terror measures in Karabakh", 1, label("events", "statements",
                                                                                 actors=[ALIYEV])),
    (1, "am1", "Shelling of Stepanakert reported by residents", 2, label("events", places=[STEPANAKERT])),
    (2, "in1", "UN urges restraint as fighting erupts in Nagorno-Karabakh", 3, label("reactions")),
    (2, "in2", "Lachin corridor closed: food and fuel shortages", 30, label("humanitarian")),
    (3, "ru1", "Russian peacekeepers evacuate civilians from Stepanakert", 4,
     label("events", "humanitarian", places=[STEPANAKERT])),
    (1, "am2", "Pashinyan says Armenia will not be drawn into hostilities", 5, label("statements", actors=[PASHINYAN])),
    (2, "off", "Champions League: late goal settles the match", 1, label(on_topic=False)),
    (0, "az2", "AT&T and C++ conference opens in Baku", 6, label("events")),
    (1, "am3", "Bakıda ve Xankəndidə vəziyyət gərgindir", 7, label("events")),
]  # fmt: skip


@pytest.fixture(params=["planned", "walk", "pane walk"])
def store(request, db_path, monkeypatch):
    """Every test three times: as planned (small sets drive the queries), walking (one actor or
    place through pane_tags, m008) and walking the pane itself (no tags: the straightforward query)."""
    if request.param != "planned":
        monkeypatch.setattr(SearchMixin, "_driver", lambda self, sizes, feeds: None)
    if request.param == "pane walk":
        monkeypatch.setattr(SearchMixin, "_tag_walk", lambda self, f, sizes: None)
    s = Store(db_path)
    s.sync_feeds(Config(feeds=tuple(FeedConfig(name=n, url=f"https://f{i}.example/rss", side=side, language=lang)
                                    for i, (n, side, lang) in enumerate(FEEDS))))  # fmt: skip
    by_url = {f.config_url: f for f in s.active_feeds()}
    for feed_index, guid, title, hours, lab in ITEMS:
        feed = by_url[f"https://f{feed_index}.example/rss"]
        entry = Entry(guid=guid, title=title, summary=f"{title}. Details follow.", link=f"https://n.example/{guid}",
                      published=NOW - timedelta(hours=hours))  # fmt: skip
        s.ingest(feed, [entry], NOW, [lab], "test")
    yield s
    s.close()


def flt(text: str):
    return parse_filter(text, now=NOW, tz=UTC)


def titles(items) -> list[str]:
    return [i.title for i in items]


def window(store, text: str, pane: str, **kw) -> list[str]:
    return titles(store.pane_window(flt(text), pane, offset=0, limit=30, **kw))

def first_rows(store, text: str) -> dict[str, list[str]]:
    """Each pane's first row for `text`: what a first window shows."""
    return {pane: titles(store.pane_window(flt(text), pane, offset=0, limit=1)) for pane in PANE_NAMES}


def all_windows(store, text: str) -> dict[str, list[str]]:
    return {pane: window(store, text, pane) for pane in PANE_NAMES}


def answers(store, text: str) -> tuple[dict, dict, dict]:
    """What `text` shows before a test changes how it is read: every pane's window, first rows, counts."""
    return all_windows(store, text), first_rows(store, text), store.pane_counts(flt(text))


def record_completions(monkeypatch) -> list[int]:
    """The floors SearchMixin._complete_hits is called with, from now on."""
    floors: list[int] = []
    complete = SearchMixin._complete_hits
    monkeypatch.setattr(SearchMixin, "_complete_hits",
                        lambda self, floor=0: floors.append(floor) or complete(self, floor))  # fmt: skip
    return floors



def test_empty_filter_fills_panes_newest_first_and_hides_off_topic(store):
    assert window(store, "", "events") == [
        "Azerbaijan launches anti-terror measures in Karabakh", "Shelling of Stepanakert reported by residents",
        "Russian peacekeepers evacuate civilians from Stepanakert", "AT&T and C++ conference opens in Baku",
        "Bakıda ve Xankəndidə vəziyyət gərgindir"]  # fmt: skip
    assert store.pane_counts(flt("")) == {"events": 5, "statements": 2, "humanitarian": 2, "reactions": 1}
    assert "Champions League: late goal settles the match" not in titles(store.search(flt(""), include_off_topic=False))
    assert "Champions League: late goal settles the match" in titles(store.search(flt("")))


def test_windows_are_windows(store):
    every = window(store, "", "events")
    assert titles(store.pane_window(flt(""), "events", offset=1, limit=2)) == every[1:3]
    assert store.pane_window(flt(""), "events", offset=10, limit=5) == []


def test_free_text_prefix_phrase_and_exclusion(store):
    assert window(store, "stepanak", "events") == [
        "Shelling of Stepanakert reported by residents",
        "Russian peacekeepers evacuate civilians from Stepanakert",
    ]
    assert window(store, '"peacekeepers evacuate"', "events") == [
        "Russian peacekeepers evacuate civilians from Stepanakert"
    ]
    assert window(store, "stepanakert -shelling", "events") == [
        "Russian peacekeepers evacuate civilians from Stepanakert"
    ]
    assert "Shelling of Stepanakert reported by residents" not in window(store, "-shelling", "events")
    assert window(store, "nosuchword", "events") == []
    assert store.pane_counts(flt("nosuchword")) == dict.fromkeys(("events", "statements", "humanitarian",
                                                                  "reactions"), 0)  # fmt: skip


def test_hostile_text_searches_without_crashing(store):
    assert window(store, "AT&T", "events") == ["AT&T and C++ conference opens in Baku"]
    assert window(store, "C++", "events") == ["AT&T and C++ conference opens in Baku"]
    for text in ['"unbalanced', '"', "NEAR(a b)", "a OR", "(((", "x'); DROP TABLE items;--", "*", "^x"]:
        store.pane_counts(flt(text))
        store.pane_window(flt(text), "events", offset=0, limit=5)
    assert store.count_items() == len(ITEMS)


def test_azerbaijani_letters_fold_both_ways(store):
    assert window(store, "xankendi", "events") == ["Bakıda ve Xankəndidə vəziyyət gərgindir"]
    assert window(store, "Bakı", "events") == ["Bakıda ve Xankəndidə vəziyyət gərgindir"]


def test_side_source_and_language(store):
    assert window(store, "side:az", "events") == [
        "Azerbaijan launches anti-terror measures in Karabakh",
        "AT&T and C++ conference opens in Baku",
    ]
    assert window(store, "side:russia side:azerbaijan", "events") == [
        "Azerbaijan launches anti-terror measures in Karabakh",
        "Russian peacekeepers evacuate civilians from Stepanakert",
        "AT&T and C++ conference opens in Baku",
    ]
    assert window(store, "-side:azerbaijan -side:armenia", "events") == [
        "Russian peacekeepers evacuate civilians from Stepanakert"
    ]
    assert window(store, "source:reuters", "reactions") == ["UN urges restraint as fighting erupts in Nagorno-Karabakh"]
    assert window(store, "source:nosuchfeed", "events") == []
    assert window(store, "lang:ru", "events") == ["Russian peacekeepers evacuate civilians from Stepanakert"]
    assert "Russian peacekeepers evacuate civilians from Stepanakert" not in window(store, "-lang:ru", "events")


def test_place_and_actor(store):
    by_alias = parse_filter("place:khankendi", now=NOW, places=lambda name: (STEPANAKERT,))
    assert titles(store.pane_window(by_alias, "events", offset=0, limit=30)) == [
        "Shelling of Stepanakert reported by residents",
        "Russian peacekeepers evacuate civilians from Stepanakert",
    ]
    assert window(store, "actor:ilham-aliyev", "statements") == ["Azerbaijan launches anti-terror measures in Karabakh"]
    assert window(store, "actor:ilham-aliyev actor:nikol-pashinyan", "statements") == [
        "Azerbaijan launches anti-terror measures in Karabakh",
        "Pashinyan says Armenia will not be drawn into hostilities",
    ]
    assert window(store, "-actor:ilham-aliyev", "statements") == [
        "Pashinyan says Armenia will not be drawn into hostilities"
    ]


def test_real_gazetteer_place_alias(store):
    from briefing import classify

    if not hasattr(classify, "find_places") or STEPANAKERT not in classify.find_places("khankendi"):
        pytest.skip("gazetteer without Khankendi")
    assert "Shelling of Stepanakert reported by residents" in window(store, "place:khankendi", "events")


def test_time_and_flags(store):
    assert window(store, "@3h", "events") == [
        "Azerbaijan launches anti-terror measures in Karabakh",
        "Shelling of Stepanakert reported by residents",
    ]
    assert window(store, "@2023-09-19", "humanitarian") == ["Lachin corridor closed: food and fuel shortages"]
    assert window(store, "@today", "humanitarian") == ["Russian peacekeepers evacuate civilians from Stepanakert"]
    assert window(store, "+starred", "events") == []
    first = store.pane_window(flt(""), "events", offset=0, limit=1)[0]
    store.set_flags([first.id], read=True, starred=True)
    assert window(store, "+starred", "events") == [first.title]
    assert first.title not in window(store, "+unread", "events")
    assert store.pane_counts(flt("+starred"))["events"] == 1


def test_fields_and_together(store):
    assert window(store, "stepanakert side:armenia", "events") == ["Shelling of Stepanakert reported by residents"]
    assert window(store, "stepanakert side:armenia @1h", "events") == []


def test_search_for_the_brief(store):
    found = store.search(flt("stepanakert"), since=NOW - timedelta(hours=3), until=NOW, newest_first=False)
    assert titles(found) == ["Shelling of Stepanakert reported by residents"]
    assert len(store.search(flt(""), limit=3)) == 3
    assert store.search(flt("@2023-09-19"), since=NOW - timedelta(hours=2)) == []  # both windows apply


STORY_TITLE = "President Aliyev says anti-terror measures in Karabakh will continue until illegal armed groups disarm"
STORY_TEXT = ("Azerbaijan's President Ilham Aliyev said on Wednesday that the anti-terror measures in Karabakh would "
              "continue until the illegal Armenian armed groups lay down their arms and the separatist regime "
              "dissolves itself.")  # fmt: skip


def test_one_row_per_story(store):
    feeds = {f.name: f for f in store.active_feeds()}
    ids = []
    for feed, minutes in (("Azertac", 50), ("TASS", 20)):
        entry = Entry(guid=f"story-{feed}", title=STORY_TITLE, summary=STORY_TEXT, link=f"https://{feed}.example/1",
                      published=NOW - timedelta(minutes=minutes))  # fmt: skip
        ids += store.ingest(feeds[feed], [entry], NOW, [label("events", "statements", actors=[ALIYEV])], "t").new_ids
    older, newer = (store.item(i) for i in ids)
    if older.story_id != newer.story_id:
        pytest.skip("the story matcher did not group the two reports (briefing.stories)")
    shown = [r.id for r in store.pane_window(flt(""), "events", offset=0, limit=30)]
    assert shown.count(newer.id) == 1 and older.id not in shown
    assert store.pane_counts(flt(""))["events"] == 6  # five stories before, one more now
    # the representative is the newest item that matches the filter: without TASS, the older report
    shown = [r.id for r in store.pane_window(flt("-source:tass"), "events", offset=0, limit=30)]
    assert older.id in shown and newer.id not in shown
    assert store.pane_counts(flt("disarm"))["statements"] == 1
    assert len(store.search(flt("disarm"))) == 2  # search lists every report


def test_counts_stop_at_the_cap(db_path):
    with Store(db_path) as s:
        s.sync_feeds(Config(feeds=(FeedConfig(name="Wire", url="https://w.example/rss"),)))
        feed = s.active_feeds()[0]
        entries = [Entry(guid=str(n), title=f"Report number {n} {'x' * (n % 7)} item {n * 7919 % 104729}",
                         summary=f"distinct {n}", link=f"https://w.example/{n}", published=NOW - timedelta(minutes=n))
                   for n in range(COUNT_CAP + 5)]  # fmt: skip
        s.ingest(feed, entries, NOW, [label("events")] * len(entries), "test")
        assert s.pane_counts(flt(""))["events"] == COUNT_CAP


def test_saved_filters_survive_reopening(db_path):
    with Store(db_path) as s:
        s.save_filter("lachin", "place:lachin @today")
        s.save_filter("az", "side:az")
        s.save_filter("az", "side:azerbaijan +unread")  # replaces
        with pytest.raises(FilterError):
            s.save_filter("  ", "x")
    with Store(db_path) as s:
        assert s.saved_filters() == [("az", "side:azerbaijan +unread"), ("lachin", "place:lachin @today")]
        s.delete_filter("lachin")
        assert s.saved_filters() == [("az", "side:azerbaijan +unread")]


def test_unknown_pane_is_an_error(store):
    with pytest.raises(Exception, match="unknown pane"):
        store.pane_window(flt(""), "sports", offset=0, limit=5)


def test_cli_items_filter(store, db_path, capsys):
    store.close()
    assert main(["items", "--db", str(db_path), "--filter", "stepanakert side:armenia"]) == 0
    out = capsys.readouterr().out
    assert "Shelling of Stepanakert" in out and "peacekeepers" not in out
    assert main(["items", "--db", str(db_path), "--search", "AT&T"]) == 0
    assert "AT&T and C++" in capsys.readouterr().out


def test_cli_bad_filter_is_one_line_and_exit_2(store, db_path):
    store.close()
    done = subprocess.run([sys.executable, "-m", "briefing", "items", "--db", str(db_path), "--filter", "sid:az"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and 'unknown field "sid:"' in done.stderr
    assert "Traceback" not in done.stderr


def test_small_sets_drive_the_query_and_the_empty_filter_walks(store):
    store.pane_counts(flt("stepanakert"))
    planned = store._last_plan[2]
    assert planned.text_hits == 2 and planned.drive in ("text", None)  # None: the walking variant
    store.pane_counts(flt(""))
    assert store._last_plan[2].drive is None


def test_a_newer_poll_is_seen_at_once(store):
    """The plan is cached per filter, but never across a write."""
    assert window(store, "Goris", "events") == []
    feed = store.active_feeds()[0]
    entry = Entry(guid="new", title="Convoy reaches Goris", summary="Goris.", link="https://n.example/new",
                  published=NOW)  # fmt: skip
    store.ingest(feed, [entry], NOW, [label("events")], "test")
    assert window(store, "Goris", "events") == ["Convoy reaches Goris"]


def test_one_keystroke_plans_and_reads_once(store, monkeypatch):
    calls = []
    original = SearchMixin._feed_sets
    monkeypatch.setattr(SearchMixin, "_feed_sets", lambda self, f: calls.append(f) or original(self, f))
    query = flt("stepanakert side:armenia")
    store.pane_counts(query)
    for pane in ("events", "statements", "humanitarian", "reactions"):
        store.pane_window(query, pane, offset=0, limit=30)
    assert len(calls) == 1


def test_random_hostile_filters_either_parse_and_run_or_explain(store):
    """Whatever is typed, the answer is rows or a FilterError — never an SQLite error."""
    import random

    rng = random.Random(7)
    pieces = ['"', "-", "+", "@", ":", "*", "(", ")", "&", "'", "\\", "%", "_", "^", "..", " ", "side:", "place:",
              "actor:", "source:", "lang:", "@today", "@6h", "NEAR", "OR", "NOT", "AND", "ı", "Ստ", "Сте", "\x00",
              "\x1b[2J", "shelling", "az", "2023-09-19", "C++", "AT&T", "{", "}", "[", "]", ";", "--"]  # fmt: skip
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        try:
            query = parse_filter(text, now=NOW, tz=UTC, places=lambda n: (STEPANAKERT,), actors=lambda n: ("x",))
        except FilterError as exc:
            assert exc.position is None or 0 <= exc.position <= len(text)
            continue
        store.pane_counts(query)
        store.pane_window(query, "events", offset=0, limit=5)
        store.search(query, limit=5)


# ---------------------------------------------------------------- pane_tags (m008) stays in step

PANE_NAMES = ("events", "statements", "humanitarian", "reactions")
TAG_FILTERS = ["place:stepanakert", "actor:ilham-aliyev", "actor:nikol-pashinyan", "place:baku", "place:lachin",
               "place:stepanakert @3h", "actor:ilham-aliyev side:azerbaijan", "place:stepanakert -shelling",
               "actor:nikol-pashinyan +unread", "place:stepanakert actor:ilham-aliyev", "place:sb",
               "place:sbl @3h side:armenia", "place:sbl actor:ilham-aliyev", "place:sb -shelling"]  # fmt: skip
PLACES = {"stepanakert": (STEPANAKERT,), "baku": ("Baku",), "lachin": ("Lachin / Berdzor",),
          "sb": (STEPANAKERT, "Baku"), "sbl": (STEPANAKERT, "Baku", "Lachin / Berdzor")}  # fmt: skip


def _tags_from_scratch(s: Store) -> list[tuple]:
    """What pane_tags must hold, computed from items, item_places and item_actors."""
    rows = s.db.conn.execute(
        "SELECT 'p:' || x.place, i.id, i.published, i.on_topic, i.pane_events, i.pane_statements,"
        " i.pane_humanitarian, i.pane_reactions FROM item_places x JOIN items i ON i.id = x.item_id UNION ALL"
        " SELECT 'a:' || x.actor, i.id, i.published, i.on_topic, i.pane_events, i.pane_statements,"
        " i.pane_humanitarian, i.pane_reactions FROM item_actors x JOIN items i ON i.id = x.item_id"
    ).fetchall()
    return sorted((tag, n, published, item_id) for tag, item_id, published, on_topic, *flags in rows
                  for n, flag in enumerate(flags) if on_topic and flag)  # fmt: skip


def _tags(s: Store) -> list[tuple]:
    return [tuple(r) for r in s.db.conn.execute("SELECT tag, pane, published, item_id FROM pane_tags ORDER BY 1, 2, 3")]


def _panes(s: Store, text: str, monkeypatch, *, tags: bool, cap: int | None = None) -> dict[str, tuple[int, list[int]]]:
    """Count and window of every pane, through pane_tags or by the straightforward pane walk;
    `cap`: counts capped that low, and several tags read only 2 * cap rows before the floor."""
    from briefing.store import search

    query = parse_filter(text, now=NOW, tz=UTC, places=lambda name: PLACES.get(name, ()))
    with monkeypatch.context() as m:
        m.setattr(SearchMixin, "_driver", lambda self, sizes, feeds: None)
        if cap is not None:
            m.setattr(search, "COUNT_CAP", cap)
            m.setattr(search, "TAG_FLOOR_ROWS", 2 * cap)
            m.setattr(search, "TAG_FLOOR_MIN", 1)
        if not tags:
            m.setattr(SearchMixin, "_tag_walk", lambda self, f, sizes: None)
        s._last_plan = None  # a new filter: its first rows are read before any count
        first = {p: [i.id for i in s.pane_window(query, p, offset=0, limit=3)] for p in PANE_NAMES}
        counts = s.pane_counts(query)
        assert bool(s._last_plan[2].tags) == (tags and s._last_plan[2].tag_kind is not None)
        windows = {p: [i.id for i in s.pane_window(query, p, offset=0, limit=30)] for p in PANE_NAMES}
        assert first == {p: ids[:3] for p, ids in windows.items()}
        return {p: (counts[p], windows[p]) for p in PANE_NAMES}


def _fts_panes(s: Store) -> list[tuple]:
    return [tuple(r) for r in s.db.conn.execute("SELECT rowid, panes FROM items_fts ORDER BY rowid")]


def _fts_panes_from_scratch(s: Store) -> list[tuple]:
    """What items_fts.panes must hold (m009): a token for each pane an item is shown in."""
    rows = s.db.conn.execute("SELECT id, on_topic, pane_events, pane_statements, pane_humanitarian, pane_reactions"
                             " FROM items ORDER BY id").fetchall()  # fmt: skip
    return [(item_id, " ".join(f"p{n}" for n, flag in enumerate(flags) if on_topic and flag))
            for item_id, on_topic, *flags in rows]  # fmt: skip


WORD_FILTERS = ["shelling", "talks", "report", "reported -talks", "shelling baku", "item", "details", '"report 3"',
                "near @3h", "report -side:russia", "shelling -lang:ru", "p0", "p1", "panes", "zzyzx"]  # fmt: skip


def _word_panes(s: Store, text: str, monkeypatch, *, hit_panes: bool) -> dict[str, tuple[int, list[int]]]:
    """Count and window of every pane for a free-text filter: walking each pane and probing the
    word's matches, or reading each pane from the word's matches in it (m009's panes column)."""
    query = flt(text)
    with monkeypatch.context() as m:
        m.setattr(SearchMixin, "_driver", lambda self, sizes, feeds: None)
        m.setattr(search, "_narrowed", lambda *args: False)  # a word with other conditions: the same paths

        def walk_plan(self, words: str, hits: int) -> frozenset[str]:
            return frozenset(self._fill_pane_hits(words, PANE_NAMES)) if hit_panes else frozenset()

        m.setattr(SearchMixin, "_walk_plan", walk_plan)
        m.setattr(search, "PANE_HITS_LIMIT", 10**6)
        s._last_plan = None
        first = {p: [i.id for i in s.pane_window(query, p, offset=0, limit=3)] for p in PANE_NAMES}
        counts = s.pane_counts(query)
        plan = s._last_plan[2]
        assert plan.impossible or plan.hit_panes == (frozenset(PANE_NAMES) if hit_panes else frozenset()), text
        windows = {p: [i.id for i in s.pane_window(query, p, offset=0, limit=30)] for p in PANE_NAMES}
        assert first == {p: ids[:3] for p, ids in windows.items()}
        deep = {p: [i.id for i in s.pane_window(query, p, offset=2, limit=5)] for p in PANE_NAMES}
        assert deep == {p: ids[2:7] for p, ids in windows.items()}
        return {p: (counts[p], windows[p]) for p in PANE_NAMES}


def _assert_in_step(s: Store, monkeypatch) -> None:
    assert _tags(s) == _tags_from_scratch(s)
    assert _fts_panes(s) == _fts_panes_from_scratch(s)
    for text in WORD_FILTERS:
        walked = _word_panes(s, text, monkeypatch, hit_panes=False)
        assert _word_panes(s, text, monkeypatch, hit_panes=True) == walked, text
    for text in TAG_FILTERS:
        assert _panes(s, text, monkeypatch, tags=True) == _panes(s, text, monkeypatch, tags=False), text
        for cap in (2, 5):
            expected = _panes(s, text, monkeypatch, tags=False, cap=cap)
            assert _panes(s, text, monkeypatch, tags=True, cap=cap) == expected, (text, cap)


def test_pane_tags_follow_ingest_edit_reclassify_and_recluster(db_path, monkeypatch):
    s = Store(db_path)
    s.sync_feeds(Config(feeds=tuple(FeedConfig(name=n, url=f"https://f{i}.example/rss", side=side, language=lang)
                                    for i, (n, side, lang) in enumerate(FEEDS))))  # fmt: skip
    feeds = s.active_feeds()
    places = [STEPANAKERT, "Baku", "Lachin / Berdzor"]
    entries, labels = {}, {}
    for n in range(60):  # several items of one occurrence become stories of several items
        guid = f"g{n}"
        title = f"Shelling near {places[n % 3]} reported, report {n // 4}" if n % 5 else f"Talks on item {n}"
        panes = PANE_NAMES[n % 4 : n % 4 + 1 + n % 2]
        labels[guid] = label(*panes, actors=[ALIYEV] if n % 2 else [PASHINYAN],
                             places=places[n % 3 : n % 3 + 1 + n % 2], on_topic=n % 7 != 0)  # fmt: skip
        entries[guid] = Entry(guid=guid, title=title, summary=f"{title}. Details follow.",
                              link=f"https://n.example/{guid}", published=None if n % 9 == 0 else
                              NOW - timedelta(minutes=7 * n))  # fmt: skip
        s.ingest(feeds[n % 4], [entries[guid]], NOW - timedelta(minutes=3 * n), [labels[guid]], "test")
    assert s.db.conn.execute("SELECT count(*) FROM pane_tags").fetchone()[0] > 60
    _assert_in_step(s, monkeypatch)

    # edits: an estimated date replaced by the feed's own, a new title
    for n in (0, 9, 18, 10):
        guid = f"g{n}"
        edited = Entry(guid=guid, title=entries[guid].title + " (updated)", summary="Edited.",
                       link=entries[guid].link, published=NOW - timedelta(hours=2, minutes=n))  # fmt: skip
        s.ingest(feeds[n % 4], [edited], NOW, [labels[guid]], "test")
    assert s.db.conn.execute("SELECT count(*) FROM items WHERE date_estimated = 1").fetchone()[0] == 4  # 7 - 3 dated
    _assert_in_step(s, monkeypatch)

    # reclassify: panes, on_topic, actors and places all change
    ids = [r[0] for r in s.db.conn.execute("SELECT id FROM items ORDER BY id")]
    s.save_labels([(item_id, label(PANE_NAMES[(k + 1) % 4], actors=[PASHINYAN] if k % 3 else [],
                                   places=[places[(k + 1) % 3]] if k % 4 else [], on_topic=k % 6 != 1))
                   for k, item_id in enumerate(ids[::2])], "test-2")  # fmt: skip
    _assert_in_step(s, monkeypatch)

    # a writer that changes panes, topic or times without touching actors and places (a bulk tool)
    with s.db.conn:
        s.db.conn.execute("UPDATE items SET pane_reactions = 1 - pane_reactions, on_topic = 1 WHERE id % 3 = 0")
        s.db.conn.execute("UPDATE items SET published = replace(published, 'T1', 'T0') WHERE id % 4 = 1")
    _assert_in_step(s, monkeypatch)

    # recluster: story ids change under the index (it holds none, but the one-per-story rule reads them)
    s.recluster()
    _assert_in_step(s, monkeypatch)
    s.close()


def test_pane_tags_backfilled_by_the_migration(db_path, monkeypatch):
    """A database from before m008: its actors and places get their pane rows when it is opened."""
    from briefing.store.schema import migrations

    s = Store(db_path)
    s.sync_feeds(Config(feeds=(FeedConfig(name="Azertac", url="https://f0.example/rss", side="azerbaijan"),)))
    feed = s.active_feeds()[0]
    for n in range(12):
        entry = Entry(guid=f"b{n}", title=f"Item {n} on Stepanakert", summary="Text.", link=f"https://n.example/b{n}",
                      published=NOW - timedelta(hours=n))  # fmt: skip
        s.ingest(feed, [entry], NOW, [label(PANE_NAMES[n % 4], actors=[ALIYEV], places=[STEPANAKERT])], "test")
    expected = _tags_from_scratch(s)
    conn = s.db.conn
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pane_tags%'"
                                ).fetchall():  # fmt: skip
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE pane_tags")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_pane_tags'")
    conn.commit()
    s.close()
    assert "m008_pane_tags" in [m.name for m in migrations._migrations]
    s = Store(db_path)
    assert _tags(s) == expected
    _assert_in_step(s, monkeypatch)
    s.close()


def test_a_common_word_may_walk_instead_of_driving(store, monkeypatch):
    """The sampled guess (_walk_beats_drive) only picks the access path: the answer is the same."""
    from briefing.store import search

    expected = all_windows(store, "stepanakert")
    monkeypatch.setattr(search, "DRIVE_LIMIT", 0)
    monkeypatch.setattr(search, "SAMPLE", 2)
    store._last_plan = None
    assert all_windows(store, "stepanakert") == expected
    assert store._last_plan[2].text_hits == 2
    counts = store.pane_counts(flt("stepanakert"))
    monkeypatch.setattr(search, "SPARSE_WALK_ROWS", -1)  # every pane asks FTS for its own matches (m009) ...
    for limit in (0, 1, 10**6):  # ... and is read from them if there are at most none, one, any
        monkeypatch.setattr(search, "PANE_HITS_LIMIT", limit)
        store._last_plan = None
        assert all_windows(store, "stepanakert") == expected
        assert store.pane_counts(flt("stepanakert")) == counts


def test_typed_pane_tokens_match_only_the_text(store):
    """items_fts.panes holds `p0`..`p3` (m009): typing them searches titles and summaries only."""
    assert store.pane_counts(flt("p1")) == dict.fromkeys(PANE_NAMES, 0)
    assert store.items(text="p1") == [] and store.search(flt("p0 OR p2")) == []
    feed = next(f for f in store.active_feeds() if f.side == "international")
    entry = Entry(guid="p1", title="Formula P1 race postponed in Baku", summary="No further details.",
                  link="https://n.example/p1", published=NOW - timedelta(hours=8))  # fmt: skip
    store.ingest(feed, [entry], NOW, [label("reactions")], "test")
    store._last_plan = None
    assert {pane: window(store, "p1", pane) for pane in PANE_NAMES} == {
        "events": [], "statements": [], "humanitarian": [], "reactions": [entry.title]}  # fmt: skip
    assert titles(store.items(text="p1")) == [entry.title]
    assert titles(store.search(flt("-p3 p1"))) == [entry.title]


def test_fts_panes_added_by_the_migration(db_path, monkeypatch):
    """A database from before m009 (two full-text columns) gets the panes column when opened,
    and every filter answers as before."""
    from briefing.store.schema import migrations

    s = Store(db_path)
    s.sync_feeds(Config(feeds=tuple(FeedConfig(name=n, url=f"https://f{i}.example/rss", side=side, language=lang)
                                    for i, (n, side, lang) in enumerate(FEEDS))))  # fmt: skip
    feeds = s.active_feeds()
    for n in range(40):
        title = f"Shelling near Baku reported, report {n // 4}" if n % 5 else f"Talks on item {n}"
        entry = Entry(guid=f"m{n}", title=title, summary="Details follow.", link=f"https://n.example/m{n}",
                      published=NOW - timedelta(minutes=11 * n))  # fmt: skip
        s.ingest(feeds[n % 4], [entry], NOW, [label(*PANE_NAMES[n % 4 : n % 4 + 1 + n % 2], on_topic=n % 7 != 0)],
                 "test")  # fmt: skip
    before = {text: _word_panes(s, text, monkeypatch, hit_panes=False) for text in WORD_FILTERS}
    found = {text: [i.id for i in s.items(text=text)] for text in ("shelling", "report 3", "talks")}
    conn = s.db.conn
    conn.executescript(
        """
        DROP TRIGGER items_fts_panes;
        ALTER TABLE items_fts RENAME TO items_fts_m009;
        CREATE VIRTUAL TABLE items_fts USING fts5(title, summary, tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO items_fts (rowid, title, summary) SELECT rowid, title, summary FROM items_fts_m009;
        DROP TABLE items_fts_m009;
        DELETE FROM _sqlite_migrations WHERE name = 'm009_fts_pane';
        """
    )
    s.close()
    assert "m009_fts_pane" in [m.name for m in migrations._migrations]
    s = Store(db_path)
    assert _fts_panes(s) == _fts_panes_from_scratch(s)
    for text in WORD_FILTERS:
        assert _word_panes(s, text, monkeypatch, hit_panes=True) == before[text], text
        assert _word_panes(s, text, monkeypatch, hit_panes=False) == before[text], text
    assert {text: [i.id for i in s.items(text=text)] for text in found} == found
    s.close()


def test_synthetic_database_has_the_panes_column(tmp_path):
    """bench/synth.py bulk-loads the full-text rows: their panes column is the one ingest writes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from synth import build_db
    finally:
        sys.path.pop(0)
    s = Store(build_db(tmp_path / "synth.db", 300, days=3, busy_day_items=50, pool_size=100))
    assert _fts_panes(s) == _fts_panes_from_scratch(s)
    assert {panes for _, panes in _fts_panes(s)} >= {"p0", "p1"}
    s.close()


def test_a_walk_reads_a_words_newest_matches_first_and_older_ones_when_it_reaches_them(store, monkeypatch):
    """A walked word's newest matches (by id) are copied first (FIRST_HITS) for a first window.
    Ids follow arrival, not publication: "Shelling of Stepanakert" (2 h ago) arrived before the
    peacekeepers item (4 h ago), so holding only the newest match by id, the walk must notice it
    reached items whose matches are not held, and fetch them. The answers are the same."""
    stepanakert = flt("stepanakert")
    expected, tops, counts = answers(store, "stepanakert")
    assert tops["events"] == ["Shelling of Stepanakert reported by residents"]
    monkeypatch.setattr(search, "DRIVE_LIMIT", 0)
    monkeypatch.setattr(search, "SAMPLE", 1)
    monkeypatch.setattr(search, "FIRST_HITS", 1)
    floors = record_completions(monkeypatch)
    store._last_plan = None
    assert first_rows(store, "stepanakert") == tops
    assert floors[0] > 0  # the walk went below the newest match: fetched from where it reached, not all
    store._last_plan = None
    assert all_windows(store, "stepanakert") == expected
    assert store.pane_counts(stepanakert) == counts
    store._last_plan = None
    assert store.pane_counts(stepanakert) == counts
    assert all_windows(store, "stepanakert") == expected
    store._last_plan = None
    assert len(store.search(stepanakert)) == 2  # the brief and the All view read every match


def test_a_driven_words_first_window_walks_its_newest_matches_or_reads_the_panes_own(store, monkeypatch):
    """A word driven for its counts answers a first window by walking the pane back as far as its
    newest WALK_HITS matches reach, or, where the pane holds fewer than the window there, from the
    pane's own matches (m009); the rows and counts are those of the planned drive."""
    texts = ("stepanakert", "stepanakert -shelling", "karabakh")
    expected = {t: all_windows(store, t) for t in texts}
    tops = {t: first_rows(store, t)
            for t in texts}  # fmt: skip
    counts = {t: store.pane_counts(flt(t)) for t in texts}
    monkeypatch.setattr(search, "DRIVE_LIMIT", 0)
    monkeypatch.setattr(SearchMixin, "_walk_plan", lambda self, text, hits: None)  # drive every word
    walked: list[str] = []
    walk_driven = SearchMixin._walk_driven

    def spy(self, f, plan, pane, want):
        walked.append(pane)
        return walk_driven(self, f, plan, pane, want)

    monkeypatch.setattr(SearchMixin, "_walk_driven", spy)
    for walk_hits in (1, 2, 1000):
        monkeypatch.setattr(search, "WALK_HITS", walk_hits)
        for t in texts:
            store._last_plan = None
            got = first_rows(store, t)
            assert got == tops[t], (walk_hits, t)
            store._last_plan = None
            assert all_windows(store, t) == expected[t], (walk_hits, t)
            assert store.pane_counts(flt(t)) == counts[t], (walk_hits, t)
    assert walked


def test_a_driven_words_first_window_probes_the_newest_matches_and_fetches_the_rest_it_reaches(store, monkeypatch):
    """Words driven for their counts copy every match for the counts, not for a first window: its
    walk (_walk_driven) probes the newest matches held (FIRST_HITS). Ids follow arrival, not
    publication (the Stepanakert shelling, 2 h ago, arrived before the peacekeepers item, 4 h ago):
    a walk that read items below the matches held fetches the rest and walks again."""
    stepanakert = flt("stepanakert")
    expected, tops, counts = answers(store, "stepanakert")
    assert tops["events"] == ["Shelling of Stepanakert reported by residents"]
    monkeypatch.setattr(search, "DRIVE_LIMIT", 0)
    monkeypatch.setattr(SearchMixin, "_walk_plan", lambda self, text, hits: None)  # drive every word
    monkeypatch.setattr(search, "FIRST_HITS", 1)
    monkeypatch.setattr(search, "WALK_HITS", 1)
    completed = record_completions(monkeypatch)
    store._last_plan = None
    assert titles(store.pane_window(stepanakert, "events", offset=0, limit=1)) == tops["events"]
    assert completed  # the walk reached below the newest match held
    store._last_plan = None
    assert first_rows(store, "stepanakert") == tops
    assert all_windows(store, "stepanakert") == expected
    assert store.pane_counts(stepanakert) == counts


def test_a_driven_word_reads_a_pane_its_newest_matches_avoid_from_its_own_matches(store, monkeypatch):
    """When the newest matches sampled by the plan hold few in a pane, a first window reads the
    pane's own matches (m009) at once instead of walking the pane first; the rows are the same."""
    texts = ("stepanakert", "stepanakert -shelling", "karabakh")
    tops = {t: first_rows(store, t)
            for t in texts}  # fmt: skip
    monkeypatch.setattr(search, "DRIVE_LIMIT", 0)
    monkeypatch.setattr(search, "SAMPLE", 1)
    walk_plan = SearchMixin._walk_plan
    monkeypatch.setattr(SearchMixin, "_walk_plan", lambda self, text, hits: walk_plan(self, text, hits) and None)
    own: list[str] = []
    pane_own = SearchMixin._pane_own
    monkeypatch.setattr(SearchMixin, "_pane_own", lambda self, f, plan, pane, want: own.append(pane)
                        or pane_own(self, f, plan, pane, want))  # fmt: skip
    for t in texts:
        store._last_plan = None
        assert first_rows(store, t) == tops[t]
    assert own
