"""Stories: the pure same-story decision, incremental ingest through the real store and poller,
`briefing recluster`, and the labelled fixture's figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import Response, item, rss

from briefing.cli import main
from briefing.models import Config, Entry, FeedConfig, Outcome, PollSettings
from briefing.poller import poll
from briefing.store import Store
from briefing.stories import Candidate, Signature, same_feed_apart, same_story, script, signature, terms

T0 = datetime(2023, 9, 21, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parent / "data" / "stories.jsonl"

APOLOGY_AZ = ("President Ilham Aliyev expresses condolences to Vladimir Putin over death of Russian peacekeepers",
              "In a phone conversation, President Ilham Aliyev offered his apologies and condolences to President "
              "Vladimir Putin over the deaths of Russian peacekeepers and said a thorough investigation would follow.")
APOLOGY_WIRE = ("Aliyev apologises to Putin for deaths of Russian peacekeepers in Karabakh",
                "Azerbaijan's President Ilham Aliyev apologised to Vladimir Putin in a phone call over the deaths of "
                "Russian peacekeepers killed during Baku's offensive, the Kremlin said.")
APOLOGY_RU = ("Телефонный разговор с Президентом Азербайджана Ильхамом Алиевым",
              "Ильхам Алиев принес Владимиру Путину извинения и выразил глубокие соболезнования в связи с гибелью "
              "российских миротворцев, заверив, что будет проведено тщательное расследование.")
MIRZOYAN_APPEAL = ("Ararat Mirzoyan calls on international partners to stop Azerbaijan's aggression",
                   "Foreign Minister Ararat Mirzoyan urged the international community to take clear steps to stop "
                   "the aggression against the people of Nagorno-Karabakh and to send an international mission.")
MIRZOYAN_KLAAR = ("Ararat Mirzoyan receives EU Special Representative Toivo Klaar",
                  "Foreign Minister Ararat Mirzoyan met EU Special Representative Toivo Klaar and discussed the "
                  "humanitarian situation and the rights of the people of Nagorno-Karabakh.")
FIRED = ("Armenian armed forces units fired at Azerbaijani positions in {place} direction",
         "Units of the Armenian armed forces fired with small arms at the positions of the Azerbaijani Army in the "
         "direction of {place} district, the ministry said.")  # fmt: skip


def cand(text: tuple[str, str], *, hours: float = 0, feed: int = 1, **kw) -> Candidate:
    return Candidate(signature(*text), T0 + timedelta(hours=hours), feed_id=feed, **kw)


# ----------------------------------------------------------------------------- pure decisions


@pytest.mark.parametrize(("text", "expected"), [
    ("Shelling reported in Ağdam", "latin"), ("Обстрел Степанакерта (Stepanakert)", "cyrillic"),
    ("Ստեփանակերտ, September 19", "armenian"), ("2023-09-19 12:00", ""), ("", ""),
])
def test_the_script_of_a_text_is_the_one_most_of_its_letters_are_in(text, expected):
    assert script(text) == expected


def test_rewrites_in_other_outlets_are_one_story():
    assert same_story(cand(APOLOGY_AZ), cand(APOLOGY_WIRE, hours=1, feed=2)).same


def test_another_language_meets_on_names_concepts_and_actors():
    actors = frozenset({"ilham-aliyev", "vladimir-putin", "russian-peacekeepers"})
    english = cand(APOLOGY_WIRE, actors=actors, language="en")
    russian = cand(APOLOGY_RU, hours=0.5, feed=2, actors=actors, language="ru")
    assert same_story(english, russian).same
    shared = terms(APOLOGY_WIRE[0] + " " + APOLOGY_WIRE[1]).anchors & terms(APOLOGY_RU[1]).anchors
    assert len(shared) >= 3  # Aliyev/Алиев, Putin/Путин, peacekeepers/миротворцы, apologise/извинения


def test_two_statements_by_one_minister_on_one_day_stay_apart():
    who = {"speaker": "ararat-mirzoyan", "actors": frozenset({"ararat-mirzoyan"})}
    assert not same_story(cand(MIRZOYAN_APPEAL, **who), cand(MIRZOYAN_KLAAR, hours=5, feed=2, **who)).same


def test_one_template_about_two_places_is_two_stories():
    kalbajar = tuple(t.format(place="Kalbajar") for t in FIRED)
    lachin = tuple(t.format(place="Lachin") for t in FIRED)
    # the same ministry, six hours apart: a feed does not report one occurrence twice
    assert not same_story(cand(kalbajar), cand(lachin, hours=6)).same
    # copied by two outlets: the classifier's places tell them apart
    assert not same_story(cand(kalbajar, places=frozenset({"Kalbajar"})),
                          cand(lachin, feed=2, places=frozenset({"Lachin"}))).same  # fmt: skip
    assert same_story(cand(kalbajar, places=frozenset({"Kalbajar"})),
                      cand(kalbajar, hours=1, feed=2, places=frozenset({"Kalbajar"}))).same  # fmt: skip


def test_outside_the_window_nothing_is_the_same_story():
    assert not same_story(cand(APOLOGY_WIRE), cand(APOLOGY_WIRE, hours=72, feed=2)).same


def test_same_link_is_the_same_story_and_different_numbers_are_not():
    a = cand(("Shelling in Martuni", "Houses hit."), link_key="https://x.example/1")
    b = cand(("Обстрел Мартуни", "Дома."), feed=2, link_key="https://x.example/1")
    assert same_story(a, b).reason == "same link"
    toll = ("Death toll from fuel depot blast near Stepanakert rises to {n}",
            "The number of people killed in the explosion at the fuel depot near Stepanakert rose to {n}, "
            "health officials said, with dozens still missing.")  # fmt: skip
    forty = tuple(t.format(n=40) for t in toll)
    sixty_eight = tuple(t.format(n=68) for t in toll)
    assert same_story(cand(forty), cand(forty, hours=2, feed=2)).same
    assert not same_story(cand(forty), cand(sixty_eight, hours=20, feed=2)).same


def test_counts_are_numbers_and_days_of_a_month_are_not():
    found = terms("On 21 September 65,036 people had arrived; 4 buses were waiting")
    assert "65000" in found.numbers and "4" in found.numbers and "21" not in found.numbers
    assert found.tokens == terms("On 22 September 65,036 people had arrived; 4 buses were waiting").tokens
    four = ("4 refugees arrive in Goris overnight", "4 refugees arrived in Goris overnight, officials said.")
    many = ("114 refugees arrive in Goris overnight", "114 refugees arrived in Goris overnight, officials said.")
    assert not same_story(cand(four), cand(many, hours=3, feed=2)).same
    assert same_story(cand(four), cand(four, hours=3, feed=2)).same


def test_shared_quote_joins_differently_worded_reports():
    quote = '"This day will become a great day in the history of our people and our state"'
    a = cand((f"Aliyev: {quote}", "The president addressed the nation from the Alley of Martyrs."))
    b = cand(("President speaks of victory", f"In a televised speech he said {quote}, as crowds gathered."), feed=2)
    assert same_story(a, b).reason == "same quoted words"


def test_words_are_split_as_the_plain_pattern_splits_them():
    """The word pattern is written for speed (possessive, one number branch); it must find what
    the plain one finds, or stored band keys would change meaning."""
    import re

    from briefing.stories import _WORD

    plain = re.compile(r"\d+(?:[.,\s]\d{3})+(?!\d)|\d+|[^\W\d_]+")
    for text in ["65,036 people; 65 036; 1.000.000 and 1,2345 or 12 345 6789", "a1b2c3 x_y __ 1_000 km²",
                 "١٢٣,٤٥٦ and ٣ Ⅻ", "21 сентября, 19 September!", "", "...", "Ханкенди (Xankəndi) «quoted»"]:
        assert _WORD.findall(text) == plain.findall(text), text


def test_the_window_is_measured_the_same_in_any_time_zone():
    """Candidates keep their time as an integer; the hours must be the datetimes' own difference."""
    from datetime import timezone

    sig = signature(*APOLOGY_WIRE)
    yerevan = timezone(timedelta(hours=4))
    for apart in (timedelta(hours=48), timedelta(hours=48, microseconds=1), timedelta(hours=12, microseconds=-1)):
        utc = same_story(Candidate(sig, T0, feed_id=1), Candidate(sig, T0 + apart, feed_id=2))
        local = same_story(Candidate(sig, T0.astimezone(yerevan), feed_id=1),
                           Candidate(sig, (T0 + apart).astimezone(UTC), feed_id=2))
        naive = same_story(Candidate(sig, T0.replace(tzinfo=None), feed_id=1),
                           Candidate(sig, (T0 + apart).replace(tzinfo=None), feed_id=2))
        assert utc == local == naive
    assert not same_story(Candidate(sig, T0), Candidate(sig, T0 + timedelta(hours=48, microseconds=1))).same
    with pytest.raises(TypeError):  # naive and aware times cannot be compared, as datetimes cannot
        same_story(Candidate(sig, T0), Candidate(sig, T0.replace(tzinfo=None)))


def test_a_feed_s_own_item_with_other_names_is_apart_without_asking_same_story():
    """same_feed_apart is a no that same_story gives: the store skips the call on its word."""
    texts = [APOLOGY_AZ, APOLOGY_WIRE, APOLOGY_RU, MIRZOYAN_APPEAL, MIRZOYAN_KLAAR,
             (FIRED[0].format(place="Lachin"), FIRED[1].format(place="Lachin")),
             (FIRED[0].format(place="Kalbajar"), FIRED[1].format(place="Kalbajar"))]  # fmt: skip
    apart = 0
    for a, b in ((a, b) for a in texts for b in texts):
        for links in ((None, None), ("https://x.example/1", "https://x.example/1"), ("https://x.example/1", None)):
            for feeds in ((1, 1), (1, 2), (None, None)):
                one = cand(a, feed=feeds[0], link_key=links[0])
                other = cand(b, hours=3, feed=feeds[1], link_key=links[1])
                if same_feed_apart(one, other):
                    apart += 1
                    assert not same_story(one, other).same and not same_story(one, other, worth=True).same
    assert apart > 20
    shared = cand(APOLOGY_AZ, link_key="https://x.example/1"), cand(APOLOGY_WIRE, link_key="https://x.example/1")
    assert not same_feed_apart(*shared) and same_story(*shared).reason == "same link"


def test_signature_survives_the_database():
    sig = signature(*APOLOGY_WIRE)
    back = Signature.from_blob(sig.to_blob(19_621))
    assert back == sig and back.keys == sig.keys
    assert Signature.day_from_blob(sig.to_blob(19_621)) == 19_621
    assert Signature.from_blob(b"not json") is None
    quoted = signature("Ministry: \u201chumanitarian convoy blocked at Lachin checkpoint by border guards\u201d", "")
    assert quoted.quotes and Signature.from_blob(quoted.to_blob()) == quoted
    damaged = bytearray(quoted.to_blob())
    at = len(damaged) - 8 * len(quoted.keys) - 4 * (sum(map(len, quoted.quotes)) + len(quoted.quotes))
    damaged[at : at + 4] = (10**6).to_bytes(4, "little")  # the first quote's length, past the end
    assert Signature.from_blob(bytes(damaged)) is None


@pytest.mark.parametrize("text", ["Readings: 10² and 10³ sieverts", "① Convoy stopped ② Aid returned", "x ² y"])
def test_digits_that_are_not_decimal_are_not_numbers(text):
    """"²" and "①" are digits to str.isdigit() but not numbers to int(): a hostile feed's title
    must not fail the feed's parse, and "10²" still counts its 10."""
    assert signature(text, "") is not None
    assert "10" in signature("Readings: 10² sieverts", "").numbers


def test_a_text_s_keys_come_in_the_same_order_in_every_process():
    """The order of an item's keys breaks ties between candidates: the two workers of a poll
    (each with its own string hashing) must agree on it."""
    text = ("Death toll rises to 213, with 405 wounded and 1,200 displaced, officials say", "")
    program = f"from briefing.stories import signature; print(signature(*{text!r}).keys)"
    runs = {
        subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in "1234"
    }  # fmt: skip
    assert len(runs) == 1 and runs.pop().count(",") >= 3  # three number keys among the bands


# ----------------------------------------------------------------------------- the store


FEEDS = (FeedConfig(name="Azertac", url="https://az.example/rss", side="azerbaijan"),
         FeedConfig(name="Wire", url="https://wire.example/rss", side="international"),
         FeedConfig(name="Armenpress", url="https://am.example/rss", side="armenia"))  # fmt: skip


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    s.sync_feeds(Config(feeds=FEEDS))
    yield s
    s.close()


def feeds(store: Store) -> list:
    return sorted(store.active_feeds(), key=lambda f: f.id)


def entry(guid: str, text: tuple[str, str], when: datetime, link: str | None = None) -> Entry:
    return Entry(guid=guid, title=text[0], summary=text[1], link=link or f"https://x.example/{guid}", published=when)


def test_every_item_gets_a_story_and_copies_share_one(store):
    az, wire, am = feeds(store)
    store.ingest(wire, [entry("w1", APOLOGY_WIRE, T0 + timedelta(hours=1))], T0)
    store.ingest(az, [entry("a1", APOLOGY_AZ, T0)], T0)  # earlier, though it arrived later
    store.ingest(am, [entry("m1", MIRZOYAN_KLAAR, T0)], T0)
    items = {i.title: i for i in store.items()}
    wire_item, az_item, alone = items[APOLOGY_WIRE[0]], items[APOLOGY_AZ[0]], items[MIRZOYAN_KLAAR[0]]
    assert wire_item.story_id == az_item.story_id != alone.story_id
    assert (alone.story_size, alone.story_sources, alone.story_sides) == (1, 1, ("armenia",))
    assert (az_item.story_size, az_item.story_sources) == (2, 2)
    assert az_item.story_sides == ("azerbaijan", "international")
    assert [i.id for i in store.story_items(az_item.story_id)] == [az_item.id, wire_item.id]  # oldest first
    row = store.db.conn.execute(
        "SELECT first_item, latest_item, first_published, size FROM stories WHERE id = ?", (az_item.story_id,)
    ).fetchone()
    assert row == (az_item.id, wire_item.id, "2023-09-21T12:00:00Z", 2)
    assert az_item.as_json()["story"] == az_item.story_id


@pytest.mark.parametrize("apart", [47, -47])
def test_copies_almost_the_window_apart_meet_across_three_calendar_days(store, apart):
    """The index is kept by day: an item late on one day finds a copy early two days later."""
    az, wire, _am = feeds(store)
    late = T0.replace(hour=23, minute=30) if apart > 0 else T0.replace(hour=0, minute=30)
    store.ingest(az, [entry("a1", APOLOGY_WIRE, late)], T0)
    store.ingest(wire, [entry("w1", APOLOGY_WIRE, late + timedelta(hours=apart))], T0)
    first, second = store.items()
    assert first.story_id == second.story_id and first.story_size == 2


def test_a_carrier_is_one_more_source(store):
    az, _wire, am = feeds(store)
    store.ingest(az, [entry("a1", APOLOGY_AZ, T0, link="https://azertac.example/1")], T0)
    store.ingest(am, [entry("m9", ("Copy", "copy"), T0, link="https://azertac.example/1")], T0)
    (only,) = store.items()
    assert (only.story_size, only.story_sources, only.story_sides) == (1, 2, ("armenia", "azerbaijan"))


def test_an_item_that_links_two_stories_merges_them(store):
    az, _wire, am = feeds(store)
    # one outlet's two items are two stories unless they are near copies ...
    store.ingest(az, [entry("a1", APOLOGY_AZ, T0)], T0)
    store.ingest(az, [entry("a2", APOLOGY_WIRE, T0 + timedelta(minutes=10))], T0)
    assert len({i.story_id for i in store.items()}) == 2
    # ... until another outlet's report matches both: it is the missing link
    bridge = (APOLOGY_WIRE[0], APOLOGY_AZ[1])
    store.ingest(am, [entry("m1", bridge, T0 + timedelta(minutes=5))], T0)
    (story,) = {i.story_id for i in store.items()}
    assert store.db.conn.execute("SELECT id, size, sources, sides FROM stories").fetchall() == [
        (story, 3, 2, "armenia,azerbaijan")
    ]
    assert [i.title for i in store.story_items(story)] == [APOLOGY_AZ[0], APOLOGY_WIRE[0], APOLOGY_WIRE[0]]


def test_an_edit_keeps_the_story_and_files_the_new_words(store):
    az, wire, _ = feeds(store)
    store.ingest(az, [entry("a1", MIRZOYAN_KLAAR, T0)], T0)
    store.ingest(az, [entry("a1", APOLOGY_AZ, T0)], T0)  # the publisher replaced the text
    (edited,) = store.items()
    blob = store.db.conn.execute("SELECT signature FROM items WHERE id = ?", (edited.id,)).fetchone()[0]
    assert edited.story_id is not None and Signature.from_blob(blob) == signature(*APOLOGY_AZ)
    store.ingest(wire, [entry("w1", APOLOGY_WIRE, T0)], T0)  # matches what it says now
    assert len({i.story_id for i in store.items()}) == 1


def test_items_another_process_wrote_are_found(store, db_path):
    az, wire, _ = feeds(store)
    store.ingest(az, [entry("a0", MIRZOYAN_KLAAR, T0)], T0)  # this process's index now exists
    script = (
        "import sys; from datetime import datetime, UTC; from briefing.store import Store;"
        "from briefing.models import Entry;"
        "s = Store(sys.argv[1]); feed = [f for f in s.active_feeds() if f.name == 'Azertac'][0];"
        "s.ingest(feed, [Entry('a1', sys.argv[2], sys.argv[3], 'https://x.example/a1',"
        " datetime(2023, 9, 21, 12, tzinfo=UTC))], datetime(2023, 9, 21, 12, tzinfo=UTC)); s.close()"
    )
    done = subprocess.run([sys.executable, "-c", script, str(db_path), *APOLOGY_AZ], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    store.ingest(wire, [entry("w1", APOLOGY_WIRE, T0 + timedelta(minutes=30))], T0)
    items = {i.title: i for i in store.items()}
    assert items[APOLOGY_WIRE[0]].story_id == items[APOLOGY_AZ[0]].story_id


def test_a_database_made_afresh_under_the_same_name_starts_empty(db_path):
    for text in (APOLOGY_AZ, APOLOGY_WIRE):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        with Store(db_path) as store:
            store.sync_feeds(Config(feeds=FEEDS))
            az, wire, _ = feeds(store)
            store.ingest(az, [entry("a0", MIRZOYAN_APPEAL, T0), entry("a1", MIRZOYAN_KLAAR, T0)], T0)
            store.ingest(wire, [entry("w1", text, T0)], T0)
            assert [(i.story_size, i.story_sources) for i in store.items()] == [(1, 1)] * 3


def load_fixture() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_recluster_rebuilds_what_ingest_built(db_path):
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from cluster_eval import evaluate

    figures = evaluate(load_fixture())
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.6  # the bench prints the exact figures

    records = sorted(load_fixture(), key=lambda r: r["published"])
    sources = sorted({r["source"] for r in records})
    with Store(db_path) as store:
        store.sync_feeds(Config(feeds=tuple(FeedConfig(name=s, url=f"https://f{i}.example/", side="armenia")
                                            for i, s in enumerate(sources))))  # fmt: skip
        by_name = {f.name: f for f in store.active_feeds()}
        for n, r in enumerate(records):
            when = datetime.fromisoformat(r["published"].replace("Z", "+00:00"))
            store.ingest(by_name[r["source"]], [Entry(f"g{n}", r["title"], r["summary"], r["url"], when)], when)
        table = "SELECT id, first_item, latest_item, first_published, last_published, size, sources, sides FROM stories"
        built = (store.story_assignments(), store.db.conn.execute(table + " ORDER BY id").fetchall())
        assert store.recluster() == len(built[1])
        again = (store.story_assignments(), store.db.conn.execute(table + " ORDER BY id").fetchall())
        assert again == built
        assert max(row[5] for row in built[1]) >= 3


# ----------------------------------------------------------------------------- poller and CLI


async def test_poll_groups_reports_from_two_feeds(server, db_path):
    date = "Thu, 21 Sep 2023 12:00:00 GMT"
    a = server.route("/az", Response(200, rss(
        item("a1", APOLOGY_AZ[0], summary=APOLOGY_AZ[1], link="https://az.example/1", date=date))))
    w = server.route("/wire", Response(200, rss(
        item("w1", APOLOGY_WIRE[0], summary=APOLOGY_WIRE[1], link="https://w.example/1", date=date),
        item("w2", MIRZOYAN_KLAAR[0], summary=MIRZOYAN_KLAAR[1], link="https://w.example/2", date=date))))
    config = Config(feeds=(FeedConfig(name="Azertac", url=a, side="azerbaijan"),
                           FeedConfig(name="Wire", url=w, side="international")),
                    poll=PollSettings(timeout=5, deadline=5))  # fmt: skip
    summary = await poll(db_path, config, clock=lambda: T0)
    assert summary.new_items == 3
    with Store(db_path) as store:
        items = {i.title: i for i in store.items()}
    assert items[APOLOGY_AZ[0]].story_id == items[APOLOGY_WIRE[0]].story_id
    assert items[APOLOGY_AZ[0]].story_sides == ("azerbaijan", "international")
    assert items[MIRZOYAN_KLAAR[0]].story_size == 1


async def test_a_title_with_superscript_or_circled_digits_is_stored_with_its_feed(server, db_path):
    """Such a title made the signature raise, which failed the whole feed's parse."""
    url = server.route("/odd", Response(200, rss(
        item("o1", "① Convoy stopped 10² metres from the Lachin checkpoint", summary="② Aid returned to Goris"),
        item("o2", "Sirens in Stepanakert", summary="Residents took shelter"))))  # fmt: skip
    summary = await poll(db_path, Config(feeds=(FeedConfig(name="Odd", url=url),)), clock=lambda: T0)
    assert summary.count(Outcome.OK) == 1 and summary.new_items == 2


def test_cli_recluster_and_items_json(db_path, capsys):
    with Store(db_path) as store:
        store.sync_feeds(Config(feeds=FEEDS))
        az, wire, _ = feeds(store)
        store.ingest(az, [entry("a1", APOLOGY_AZ, T0)], T0)
        store.ingest(wire, [entry("w1", APOLOGY_WIRE, T0)], T0)
    assert main(["recluster", "--db", str(db_path)]) == 0
    assert "1 stories; 1 of them tell 2 items" in capsys.readouterr().out
    assert main(["items", "--db", str(db_path), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["story"] for line in lines} == {lines[0]["story"]} and lines[0]["story_size"] == 2
    assert main(["recluster", "--db", str(db_path.parent / "none.db")]) == 2
    assert "no database yet" in capsys.readouterr().err


def test_cached_minhash_is_the_stored_formula():
    """Stored band keys must keep meaning the same: the cached MinHash equals the plain one."""
    import random

    from briefing.stories import _COEFFS, _PRIME, minhash

    rng = random.Random(7)
    for _ in range(300):
        tokens = [rng.randrange(0, 2**32) for _ in range(rng.randrange(1, 50))]
        assert minhash(tokens) == tuple(min((a * t + b) % _PRIME for t in tokens) for a, b in _COEFFS)
    assert minhash([]) == ()


def test_band_keys_keep_their_stored_formula():
    """crc32 of "kind:value" beside adler32 of "value:kind": stored keys must keep meaning the same."""
    import random
    import zlib

    from briefing.stories import _MASK, _extra_key, bands

    def plain(kind: str, value: str) -> int:
        return (zlib.crc32(f"{kind}:{value}".encode()) | (zlib.adler32(f"{value}:{kind}".encode()) << 32)) & _MASK

    rng = random.Random(11)
    for _ in range(200):
        sig = tuple(rng.randrange(0, 2**61) for _ in range(24))
        assert bands(sig) == tuple(plain(f"t{b}", f"{sig[2 * b]},{sig[2 * b + 1]}") for b in range(12))
        assert bands(sig[:4], "a", rows=1) == tuple(plain(f"a{b}", str(sig[b])) for b in range(4))
    assert _extra_key("q", "Ханкенди 2023") == plain("q", "Ханкенди 2023")


def test_a_signature_crosses_to_the_writer_whole_but_small():
    """Parse workers send signatures to the writer by pickle: the derived masks are rebuilt."""
    import pickle

    from briefing.stories import signature

    summary = 'The ministry said "the operation will go on until the end"'
    sig = signature("Shelling near Stepanakert: 42 killed", summary)
    back = pickle.loads(pickle.dumps(sig, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == sig and back.keys == sig.keys and back.script == sig.script
    assert (back.mask, back.anchor_mask, back.counts) == (sig.mask, sig.anchor_mask, sig.counts)
    assert len(pickle.dumps(sig)) < 600  # the two 4096-bit masks alone would take over 1 KB
