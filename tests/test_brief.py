"""The daily brief on a fixed fixture database: golden file, content rules, window, recording.

The fixture is built through the real Store.ingest with labels (the classifier's own values),
so the brief reads exactly what a poll would have stored. Regenerate the golden files with
UPDATE_GOLDEN=1 after a deliberate change, and read the diff.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from briefing.brief import brief_path, gather, render_brief, resolve_window, write_brief
from briefing.classify import Actor, Classification
from briefing.errors import BriefingError
from briefing.models import BriefSettings, Config, Entry, FeedConfig, FetchResult, Outcome
from briefing.store import Store
from briefing.store import briefs as brief_sql

GOLDEN = Path(__file__).parent / "golden"
YEREVAN = ZoneInfo("Asia/Yerevan")
DAY = date(2023, 9, 19)
AS_OF = datetime(2023, 9, 19, 20, 0, tzinfo=UTC)  # 20 Sep 00:00 in Yerevan


def at(hour: int, minute: int = 0, day: int = 19) -> datetime:
    """A UTC time on the fixture's day (Yerevan is UTC+4)."""
    return datetime(2023, 9, day, hour, minute, tzinfo=UTC)


# The classifier's gazetteer names, fixed here so the golden file does not move with it.
NAMES = {
    "azerbaijan-mod": "Ministry of Defence of Azerbaijan",
    "armenia-mod": "Ministry of Defence of Armenia",
    "nikol-pashinyan": "Nikol Pashinyan",
    "karabakh-authorities": "De facto authorities of Nagorno-Karabakh",
    "icrc": "International Committee of the Red Cross (ICRC)",
    "un-security-council": "UN Security Council",
    "european-union": "European Union",
}
SIDES = {
    "azerbaijan-mod": "azerbaijan", "armenia-mod": "armenia", "nikol-pashinyan": "armenia",
    "karabakh-authorities": "karabakh", "icrc": "international", "un-security-council": "international",
    "european-union": "international",
}  # fmt: skip

FEEDS = (
    FeedConfig("APA", "https://apa.example/rss", side="azerbaijan", kind="state-media"),
    FeedConfig("Azerbaijan MoD", "https://mod.gov.example/rss", side="azerbaijan", kind="official"),
    FeedConfig("News.am", "https://news.example/rss", side="armenia", kind="independent"),
    FeedConfig("Armenian Government", "https://gov.example/rss", side="armenia", kind="official"),
    FeedConfig("Artsakh InfoCenter", "https://artsakh.example/rss", side="karabakh", kind="official"),
    FeedConfig("Reuters World", "https://reuters.example/rss", side="international", kind="wire"),
    FeedConfig("ICRC", "https://icrc.example/rss", side="international", kind="humanitarian"),
    FeedConfig("Sports Wire", "https://sports.example/rss", side="international", kind="wire"),
    FeedConfig("Quiet Blog", "https://quiet.example/rss", side="armenia", kind="independent"),
)


def label(panes=(), speaker=None, places=(), on_topic=True) -> Classification:
    who = Actor(speaker, NAMES[speaker], SIDES[speaker], "organisation") if speaker else None
    return Classification(
        panes=tuple(panes), on_topic=on_topic, why=tuple((p, ("fixture",)) for p in panes),
        speaker=who, actors=(who,) if who else (), places=tuple(places),
    )  # fmt: skip


# (feed, guid, published, title, summary, link, label, ingested at)
ITEMS = [
    ("APA", "apa-0", at(2, day=18), "Yesterday's item stays out", "Outside the window.",
     "https://apa.example/0", label(["events"]), at(3, day=18)),
    ("Azerbaijan MoD", "mod-1", at(5, 10), "Azerbaijan's MoD: local anti-terrorist measures launched in Karabakh",
     "The ministry said positions of the Armenian armed forces were targeted.", "https://mod.gov.example/1",
     label(["statements", "events"], "azerbaijan-mod", ["Karabakh"]), at(5, 15)),
    ("APA", "apa-1", at(5, 10), "MoD announces measures", "", "https://mod.gov.example/1",
     label(["statements"], "azerbaijan-mod"), at(5, 20)),  # same link: a second carrier, not an item
    ("Artsakh InfoCenter", "art-1", at(5, 40), "Stepanakert and villages under intense shelling",
     "The InfoCenter reports civilian casualties, including children.", "https://artsakh.example/1",
     label(["statements", "events"], "karabakh-authorities", ["Stepanakert / Khankendi"]), at(5, 45)),
    ("Armenian Government", "gov-1", at(6, 0), "Pashinyan: Armenian army is not in Nagorno-Karabakh",
     "Prime minister says Armenia has no troops in the region.", "https://gov.example/1",
     label(["statements"], "nikol-pashinyan"), at(6, 5)),
    ("Azerbaijan MoD", "mod-2", at(6, 30), "Armenian forces fired on our positions near Aghdam, ministry says",
     "", "https://mod.gov.example/2", label(["statements", "events"], "azerbaijan-mod", ["Aghdam"]), at(6, 35)),
    ("Armenian Government", "gov-2", at(6, 50), "Armenia's defence ministry denies firing at Azerbaijani positions",
     "The ministry called the reports disinformation.", "https://gov.example/2",
     label(["statements"], "armenia-mod"), at(6, 55)),
    ("Reuters World", "reu-1", at(7, 0), "Explosions heard in Stepanakert as fighting flares",
     "Residents reported explosions throughout the morning.", "https://reuters.example/1",
     label(["events"], None, ["Stepanakert / Khankendi"]), at(7, 5)),
    ("News.am", "nam-1", at(7, 0), "Reuters: explosions in Stepanakert", "", "https://reuters.example/1",
     label(["events"]), at(7, 10)),
    ("ICRC", "icrc-1", at(8, 0), "ICRC: Lachin corridor closed to our convoys",
     "Medical evacuations are suspended.", "https://icrc.example/1",
     label(["humanitarian", "reactions"], "icrc", ["Lachin corridor"]), at(8, 5)),
    ("Reuters World", "reu-2", at(9, 0), "UN Security Council to meet on Karabakh on Thursday",
     "France requested the emergency session.", "https://reuters.example/2",
     label(["reactions"], "un-security-council"), at(9, 5)),
    ("Reuters World", "reu-3", at(9, 30), "EU calls for an immediate halt to hostilities",
     "The bloc urged a return to talks.", "https://reuters.example/3", label(["reactions"], "european-union"),
     at(9, 35)),
    ("Sports Wire", "sp-1", at(10, 0), "Late goal settles the derby", "A football report.",
     "https://sports.example/1", label([], on_topic=False), at(10, 5)),
    # Hostile text (hostile-feeds.md row 20): nothing of it may become Markdown structure.
    ("News.am", "nam-2", at(11, 0),
     "Great news](https://evil.example/phish) [more <img src=x onerror=alert(1)> *bold* `code` | a | b |",
     "Normal\n\n# URGENT: reset your password\n\n[bank]: https://evil.example/login\n\n| x | y |\n|---|---|\n"
     "<script>alert(1)</script> &lt;b&gt; &amp; www.evil.example javascript:alert(1)",
     "https://news.example/a) [injected](https://evil.example", label(["events"]), at(11, 5)),
    ("Artsakh InfoCenter", "art-2", at(12, 0), "Link with a bad scheme", "Nothing else.",
     "javascript:alert(1)", label(["humanitarian"]), at(12, 5)),
    ("Reuters World", "reu-4", None, "Ceasefire talks reported in Yevlakh", "Undated report.",
     "https://reuters.example/4", label(["events"], None, ["Yevlakh"]), at(14, 0)),  # date estimated
    ("Reuters World", "reu-5", at(1, day=20), "Tomorrow's item stays out", "",
     "https://reuters.example/5", label(["events"]), at(1, 5, day=20)),
]
STARRED_GUID = "gov-2"
PREVIOUS_BRIEF_AT = at(8, 30)  # a brief written then saw items up to the ICRC report


def build_fixture(path: Path) -> Path:
    """The fixture database, the same bytes of meaning every time."""
    config = Config(feeds=FEEDS)
    with Store(path) as store:
        store.sync_feeds(config, now=at(0, day=18))
        feeds = {f.name: f for f in store.active_feeds()}
        seen_before_brief = 0
        for feed, guid, published, title, summary, link, labels, now in ITEMS:
            entry = Entry(guid=guid, title=title, summary=summary, link=link, published=published)
            store.ingest(feeds[feed], [entry], now, [labels], "fixture")
            if now < PREVIOUS_BRIEF_AT:
                seen_before_brief = brief_sql.max_item_id(store)
        # the publisher edits a report: the brief shows the new text, says when it was edited and
        # what it said before (the title, or the summary when only the summary changed)
        edited = Entry("art-1", "Stepanakert shelled: at least 27 killed, officials say",
                       "The InfoCenter reports at least 27 killed, including children.", "https://artsakh.example/1",
                       at(5, 40))  # fmt: skip
        store.ingest(feeds["Artsakh InfoCenter"], [edited], at(10, 30))
        edited = Entry("icrc-1", "ICRC: Lachin corridor closed to our convoys",
                       "Medical evacuations are suspended; 12 patients wait in Stepanakert.", "https://icrc.example/1",
                       at(8, 0))  # fmt: skip
        store.ingest(feeds["ICRC"], [edited], at(10, 45))
        [starred] = [i.id for i in store.items() if i.title.startswith("Armenia's defence ministry denies")]
        store.set_flags([starred], starred=True)
        news = feeds["News.am"]
        for hour, outcome, error in [(3, Outcome.FAILED, "HTTP 503"), (15, Outcome.FAILED, "timed out after 30 s"),
                                     (16, Outcome.FAILED, "HTTP 502 <html>bad gateway</html>"), (17, Outcome.OK, None),
                                     (2, Outcome.FAILED, "before the window")]:  # fmt: skip
            day = 18 if error == "before the window" else 19
            store.record_fetch(news, FetchResult(outcome, error=error), None, started_at=at(hour, day=day),
                               next_poll_at=at(hour + 1, day=day))  # fmt: skip
        brief_sql.record_brief(
            store, generated_at=PREVIOUS_BRIEF_AT, window_start=at(20, day=17), window_end=at(20, day=18),
            tz="Asia/Yerevan", filter_text=None, items=3, max_item_id=seen_before_brief, path="earlier.md",
        )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("brief") / "fixture.db")


CONFIG = Config(feeds=FEEDS, brief=BriefSettings(timezone="Asia/Yerevan"))


def fixed_brief(db: Path, **window) -> str:
    """gather + render with the fixture's actor names (the golden file's path)."""
    window.setdefault("day", DAY)
    with Store(db) as store:
        w = resolve_window(tz=YEREVAN, tz_name="Asia/Yerevan", now=AS_OF, **window)
        data, _ = gather(store, w, now=AS_OF)
    return render_brief(dataclasses.replace(data, actor_names=NAMES))


def golden(name: str, text: str) -> str:
    """The golden file's text (written first with UPDATE_GOLDEN=1: then read the diff)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_golden_day_brief(fixture_db):
    text = fixed_brief(fixture_db)
    assert text == golden("brief-2023-09-19.md", text), "differs — rerun with UPDATE_GOLDEN=1 and read the diff"


def test_golden_window_brief(fixture_db):
    text = fixed_brief(fixture_db, day=None, since="2023-09-19T10:00", until="2023-09-19T13:00")
    assert text == golden("brief-window.md", text), "differs — rerun with UPDATE_GOLDEN=1 and read the diff"


def sections(text: str) -> dict[str, str]:
    """## heading → its body (### subsections included)."""
    found, current = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
            found[current] = ""
        elif current:
            found[current] += line + "\n"
    return found


def test_structure_and_content(fixture_db):
    text = fixed_brief(fixture_db)
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "Brief: Tuesday 19 September 2023 (Asia/Yerevan)", "Key developments", "Latest events",
        "Actor statements", "Azerbaijan", "Armenia", "Karabakh", "Humanitarian access",
        "International reactions", "European Union", "International Committee of the Red Cross (ICRC)",
        "UN Security Council", "Sources and coverage", "Since the previous brief",
    ]  # fmt: skip
    body = sections(text)
    assert "Yesterday's item" not in text and "Tomorrow's item" not in text
    assert "Late goal" not in text and "Sports Wire" not in text.split("Watched feeds")[0]  # off-topic left out
    # statements: attributed, grouped by party, claim and counter-claim each under its own party
    statements = body["Actor statements"]
    az, rest = statements.split("### Armenia")
    am, ka = rest.split("### Karabakh")
    assert "Ministry of Defence of Azerbaijan said, according to [Azerbaijan MoD]" in az
    assert "fired on our positions near Aghdam" in az and "denies firing" in am
    assert "De facto authorities of Nagorno-Karabakh said" in ka
    for line in statements.splitlines():
        if line.startswith("- "):
            assert " said, according to " in line or line.split(" — ")[1].startswith("According to")
    # the same article in two feeds is one line citing both
    events = body["Latest events"]
    [explosions] = [line for line in events.splitlines() if "Explosions heard" in line]
    assert "[Reuters World]" in explosions and "[News\\.am]" in explosions
    assert "Reuters: explosions" not in text  # the second feed's copy is a carrier, its text not taken
    assert "Stepanakert / Khankendi" in explosions and explosions.startswith("- 11:00 · ")  # local time, places
    assert "≈18:00" in events  # an undated item shows its first-seen time, marked as estimated
    # key developments: the starred story first, then the one carried by most sources and sides
    key = [line for line in body["Key developments"].splitlines() if line.startswith("- ")]
    assert 5 <= len(key) <= 8
    assert "starred" in key[0] and "denies firing" in key[0]
    assert "Explosions heard" in key[1] or "local anti-terrorist" in key[1]
    # reactions grouped by actor
    assert "### UN Security Council" in body["International reactions"]
    # sources, gaps, silent feeds
    coverage = body["Sources and coverage"]
    assert "- Azerbaijan: Azerbaijan MoD (2 items), APA (1 item)" in coverage
    assert "News\\.am (Armenia): 3 of 4 polls failed between 07:00 and 20:00; last error: HTTP 502" in coverage
    assert "before the window" not in coverage
    assert "Quiet Blog (Armenia)" in coverage and "Sports Wire (international)" in coverage
    # since the previous brief
    assert "The previous brief was written 19 Sep 2023 12:30 (Asia/Yerevan)." in body["Since the previous brief"]
    assert "5 of the 12 items here arrived since then" in body["Since the previous brief"]
    assert "· new ·" in events
    # the publisher's edit shows, and the previous brief's reader learns of it
    assert "- 09:40 · Stepanakert / Khankendi · edited 14:30 — De facto authorities" in body["Actor statements"]
    assert "“Stepanakert shelled: at least 27 killed, officials say” (was: “Stepanakert and villages under intense" \
        " shelling”) — The InfoCenter reports at least 27 killed" in body["Actor statements"]
    assert "civilian casualties" not in text  # the title's change is the one shown
    assert "“ICRC: Lachin corridor closed to our convoys” — Medical evacuations are suspended; 12 patients wait in" \
        " Stepanakert. (was: Medical evacuations are suspended.)" in body["Humanitarian access"]
    assert "2 earlier items were edited by their publishers since; their lines say when." in text


def test_empty_sections_say_so_in_one_line(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    text = fixed_brief(db, day=date(2023, 9, 25))
    body = sections(text)
    for title in ("Key developments", "Latest events", "Actor statements", "Humanitarian access",
                  "International reactions"):  # fmt: skip
        assert len([line for line in body[title].splitlines() if line.strip()]) == 1, title
    assert "Coverage: 0 items in 0 stories from 0 sources." in text


def test_write_brief_to_file_records_it_and_is_deterministic(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    out = tmp_path / "out" / "brief.md"
    text, path = write_brief(db, CONFIG, day="2023-09-19", as_of="2023-09-20T00:00", output=out)
    assert path == out and out.read_text(encoding="utf-8") == text
    again, _ = write_brief(db, CONFIG, day="2023-09-19", as_of="2023-09-20T00:00", output=out)
    assert again == text  # its own record does not count as "the previous brief"
    with Store(db) as store:
        record = brief_sql.previous_brief(store, before=AS_OF + timedelta(seconds=1))
        assert record.generated_at == AS_OF and record.path == str(out) and record.items == 12
        assert record.max_item_id == store.count_items()
    next_day, _ = write_brief(db, CONFIG, day="2023-09-20", as_of="2023-09-20T01:00")
    assert "The previous brief was written 20 Sep 2023 00:00 (Asia/Yerevan)." in next_day
    assert not [p for p in out.parent.iterdir() if p.name != "brief.md"]  # no temporary file left


def test_writing_the_same_brief_again_keeps_since_the_previous_brief(tmp_path):
    """Pressing `b` twice, or `-o` again the same day, rewrites the same brief: it still says what
    arrived since the last brief of another window (the desk's previous brief), not "nothing"."""
    db = build_fixture(tmp_path / "f.db")
    out = tmp_path / "brief-2023-09-19.md"
    first, _ = write_brief(db, CONFIG, day="2023-09-19", as_of="2023-09-20T00:00", output=out)
    since = sections(first)["Since the previous brief"]
    assert "written 19 Sep 2023 12:30" in since and "5 of the 12 items here arrived since then" in since
    for as_of, output in [("2023-09-20T00:05", out), ("2023-09-20T00:10", tmp_path / "copy.md"),
                          ("2023-09-20T00:15", None)]:  # fmt: skip
        again, _ = write_brief(db, CONFIG, day="2023-09-19", as_of=as_of, output=output)
        assert sections(again)["Since the previous brief"] == since, (as_of, output)
    # a brief of another window compares with the last rewrite of this one: what the desk last got
    window, _ = write_brief(db, CONFIG, since="2023-09-19T12:00", until="2023-09-20T00:00", as_of="2023-09-20T00:20")
    assert "The previous brief was written 20 Sep 2023 00:10 (Asia/Yerevan). Nothing here arrived since then." in window
    # the same window with another filter is another brief
    filtered, _ = write_brief(db, CONFIG, day="2023-09-19", as_of="2023-09-20T00:20", filter_text="side:armenia")
    assert "The previous brief was written 20 Sep 2023 00:10" in filtered


def test_stdout_brief_is_not_recorded(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    text, path = write_brief(db, CONFIG, day="2023-09-19", as_of="2023-09-20T00:00")
    assert path is None and text.startswith("# Brief: Tuesday 19 September 2023 (Asia/Yerevan)")
    with Store(db) as store:
        assert brief_sql.previous_brief(store, before=AS_OF + timedelta(days=1)).generated_at == PREVIOUS_BRIEF_AT


def test_window_forms():
    now = datetime(2023, 9, 19, 20, 30, tzinfo=UTC)  # 00:30 on 20 Sep in Yerevan
    today = resolve_window(tz=YEREVAN, tz_name="Asia/Yerevan", now=now)
    assert today.day == date(2023, 9, 20) and today.start == datetime(2023, 9, 19, 20, tzinfo=UTC)
    span = resolve_window(since="2023-09-19T06:00", until="2023-09-19T18:00", tz=YEREVAN, tz_name="x", now=now)
    assert (span.start, span.end) == (at(2), at(14)) and span.day is None
    last = resolve_window(since="6h", tz=YEREVAN, tz_name="x", now=now)
    assert last.end == now and last.start == now - timedelta(hours=6)
    for bad in [dict(day="19/09/2023"), dict(since="noon"), dict(day="2023-09-19", since="6h"),
                dict(since="2023-09-20", until="2023-09-19")]:  # fmt: skip
        with pytest.raises(BriefingError):
            resolve_window(tz=YEREVAN, tz_name="x", now=now, **bad)


def test_a_time_only_until_is_on_the_day_of_since():
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # years later: "18:00" must not mean today
    span = resolve_window(since="2023-09-19T06:00", until="18:00", tz=YEREVAN, tz_name="x", now=now)
    assert (span.start, span.end) == (at(2), at(14))
    late = resolve_window(since="2023-09-19T06:00", until="23:59", tz=YEREVAN, tz_name="x", now=now)
    assert late.end == at(19, 59)
    for until in ("06:00", "05:30"):
        with pytest.raises(BriefingError, match=r"--until .* is not after --since") as err:
            resolve_window(since="2023-09-19T06:00", until=until, tz=YEREVAN, tz_name="x", now=now)
        assert "\n" not in str(err.value)
    alone = resolve_window(until="18:00", tz=YEREVAN, tz_name="x", now=now)  # no --since: today, as before
    assert alone.end == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("args", [
    dict(day="9999-12-31"), dict(day="0001-01-01"), dict(since="0001-01-01"), dict(until="0001-01-01T03:00"),
    dict(since="99999999h"), dict(since="2023-09-19T06:00", until="9999-12-31T23:59", tz=ZoneInfo("Etc/GMT+12")),
])  # fmt: skip
def test_dates_out_of_range_are_a_user_error(args):
    now = datetime(2023, 9, 19, 20, 30, tzinfo=UTC)
    args.setdefault("tz", YEREVAN)
    with pytest.raises(BriefingError, match="out of range") as err:
        resolve_window(tz_name="x", now=now, **args)
    assert "\n" not in str(err.value)


def test_the_last_and_first_days_that_fit_are_briefed(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    for day in ("9999-12-30", "0001-01-02"):
        text, _ = write_brief(db, CONFIG, day=day, as_of=AS_OF)
        assert text.startswith("# Brief: ") and "Coverage: 0 items" in text


def test_missing_database_is_a_user_error(tmp_path):
    with pytest.raises(BriefingError, match="no database yet"):
        write_brief(tmp_path / "nope.db", CONFIG)
    assert not (tmp_path / "nope.db").exists()


def test_unwritable_output_is_a_user_error(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(BriefingError, match="cannot write the brief"):
        write_brief(db, CONFIG, as_of=AS_OF, output=tmp_path / "dir.md")


def test_default_path_is_next_to_feeds_toml(tmp_path):
    config = Config(feeds=(), path=tmp_path / "desk" / "feeds.toml", brief=BriefSettings(directory="briefs"))
    assert brief_path(config, DAY) == tmp_path / "desk" / "briefs" / "brief-2023-09-19.md"
    absolute = Config(feeds=(), brief=BriefSettings(directory=str(tmp_path / "out")))
    assert brief_path(absolute, DAY) == tmp_path / "out" / "brief-2023-09-19.md"


def test_a_story_is_cited_once_with_all_its_sources_and_claims_stay_with_their_party():
    from briefing.brief import group_stories
    from briefing.brief.model import BriefData, Window
    from briefing.store import StoredItem
    from briefing.store.briefs import Carrier

    def stored(n, feed, side, minute, title, panes, speaker=None, speaker_side=None):
        return StoredItem(
            id=n, title=title, summary="", link=f"https://{feed.lower()}.example/{n}", published=at(9, minute),
            date_estimated=False, first_seen=at(9, minute), language=None, author=None, feed_id=n, feed_name=feed,
            side=side, kind=None, read=False, starred=False, panes=panes, speaker=speaker, speaker_side=speaker_side,
            story_id=7,
        )  # fmt: skip

    items = [
        stored(1, "APA", "azerbaijan", 0, "MoD: Armenian forces shelled Aghdam", ("statements", "events"),
               "azerbaijan-mod", "azerbaijan"),
        stored(2, "Newsam", "armenia", 10, "Armenia's MoD denies shelling Aghdam", ("statements",),
               "armenia-mod", "armenia"),
        stored(3, "Reuters", "international", 20, "Shelling reported near Aghdam", ("events",)),
    ]  # fmt: skip
    carriers = {i.id: [Carrier(i.feed_name, i.side, None, i.first_seen)] for i in items}
    stories = group_stories(items, carriers)
    assert len(stories) == 1 and len(stories[0].reports) == 3
    window = Window(at(20, day=18), at(20), YEREVAN, "Asia/Yerevan", DAY)
    text = render_brief(BriefData(window=window, generated_at=AS_OF, stories=tuple(stories), actor_names=NAMES))
    body = sections(text)
    [key] = [line for line in body["Key developments"].splitlines() if line.startswith("- ")]
    assert key.count("[APA]") == key.count("[Newsam]") == key.count("[Reuters]") == 1
    # equally carried reports: the newest heads the story; the others covered the same story
    assert key == ("- 13:20 — According to [Reuters][1] (international): “Shelling reported near Aghdam”"
                   " Also covered by [APA][2] (Azerbaijan) and [Newsam][3] (Armenia).")  # fmt: skip
    az, am = body["Actor statements"].split("### Armenia")
    assert "shelled Aghdam" in az and "denies" not in az
    # only APA vouches for what Azerbaijan's MoD said
    assert "- 13:10 · see also Azerbaijan — Ministry of Defence of Armenia said, according to [Newsam][3]" in am
    assert "- 13:00 · see also Armenia — Ministry of Defence of Azerbaijan said, according to [APA][2]" in az
    assert "Reuters" not in body["Actor statements"]
    assert "Coverage: 3 items in 1 story from 3 sources (Azerbaijan 1, Armenia 1, international 1)." in text


def test_a_story_is_headlined_by_its_most_widely_carried_report():
    """The ceasefire carried by 11 sources heads its story, not the first hint of it; ties → the newest."""
    from briefing.brief import group_stories
    from briefing.brief.model import BriefData, Window
    from briefing.store import StoredItem
    from briefing.store.briefs import Carrier

    def stored(n, hour, title):
        return StoredItem(
            id=n, title=title, summary="", link=f"https://wire.example/{n}", published=at(hour),
            date_estimated=False, first_seen=at(hour), language=None, author=None, feed_id=n, feed_name=f"F{n}",
            side="international", kind=None, read=False, starred=False, panes=("events",), story_id=9,
        )  # fmt: skip

    items = [stored(1, 6, "Contacts with the peacekeepers"), stored(2, 7, "Talks on a ceasefire"),
             stored(3, 9, "Ceasefire agreed"), stored(4, 10, "Ceasefire holds, officials say")]  # fmt: skip
    feeds = {1: ["A"], 2: ["B", "C", "D"], 3: ["E", "F", "G"], 4: ["H", "I"]}
    carriers = {i.id: [Carrier(f, "international", None, i.first_seen) for f in feeds[i.id]] for i in items}
    [story] = group_stories(items, carriers)
    assert story.headline.item.id == 3 and story.lead.item.id == 1  # lead: who reported first
    window = Window(at(20, day=18), at(20), YEREVAN, "Asia/Yerevan", DAY)
    body = sections(render_brief(BriefData(window=window, generated_at=AS_OF, stories=(story,))))
    for section in ("Key developments", "Latest events"):
        [line] = [line for line in body[section].splitlines() if line.startswith("- ")]
        # the headline's own carriers are named first
        assert line.startswith("- 13:00 — According to [E][1] (international), [F][1] (international), [G][1]")
        assert "“Ceasefire agreed”" in line and "Contacts" not in line and "Talks" not in line
        for feed in "ABCDEFGHI":
            assert line.count(f"[{feed}]") == 1, (feed, line)


def test_since_the_previous_brief_counts_only_the_edits_its_lines_show():
    """An edited report that heads no line (a less carried report of a story) is not announced
    as "its line says when": no line would."""
    from briefing.brief.model import BriefData, Report, Source, Story, Window
    from briefing.store import StoredItem
    from briefing.store.briefs import BriefRecord

    def report(n, feeds, edited=None):
        it = StoredItem(
            id=n, title=f"Report {n}", summary="", link=f"https://r.example/{n}", published=at(9, n),
            date_estimated=False, first_seen=at(9, n), language=None, author=None, feed_id=1, feed_name=feeds[0],
            side="international", kind=None, read=False, starred=False, panes=("events",), story_id=1,
        )  # fmt: skip
        return Report(it, tuple(Source(f, "international", None, it.link) for f in feeds), False, edited, "Earlier")

    window = Window(at(20, day=18), at(20), YEREVAN, "Asia/Yerevan", DAY)
    previous = BriefRecord(1, at(8), at(20, day=17), at(20, day=18), "Asia/Yerevan", None, 1, 10, "b.md")
    hidden = Story((report(1, ["A"], edited=at(10)), report(2, ["B", "C"])))  # report 1 heads no line
    shown = Story((report(3, ["D"]), report(4, ["E", "F"], edited=at(11))))
    for stories, expected in [((hidden,), ""), ((hidden, shown), " 1 earlier item was edited by its publisher")]:
        text = render_brief(BriefData(window=window, generated_at=AS_OF, stories=stories, previous=previous))
        since = sections(text)["Since the previous brief"].strip().splitlines()[0]
        assert since.endswith("Nothing here arrived since then." + (expected and expected + " since; its line says"
                                                                     " when.")), since  # fmt: skip
        assert text.count("· edited ") == 2 * len(stories) - 2  # key developments and events


def test_reactions_are_grouped_by_the_third_party_not_a_party_speaker():
    from briefing.brief.model import BriefData, Report, Source, Story, Window
    from briefing.store import StoredItem

    def reaction(n, speaker, speaker_side, actors):
        it = StoredItem(
            id=n, title=f"Reaction {n}", summary="", link=f"https://r.example/{n}", published=at(9, n),
            date_estimated=False, first_seen=at(9, n), language=None, author=None, feed_id=1, feed_name="Wire",
            side="international", kind="wire", read=False, starred=False, panes=("reactions",), speaker=speaker,
            speaker_side=speaker_side, actors=actors,
        )  # fmt: skip
        return Story((Report(it, (Source("Wire", "international", "wire", it.link),)),))

    stories = (
        reaction(1, "un-security-council", "international", ("un-security-council",)),
        reaction(2, "nikol-pashinyan", "armenia", ("nikol-pashinyan", "european-union")),  # Pashinyan on the EU
        reaction(3, "nikol-pashinyan", "armenia", ("nikol-pashinyan",)),
    )
    window = Window(at(0), at(23), YEREVAN, "Asia/Yerevan", None)
    data = BriefData(window=window, generated_at=AS_OF, stories=stories, actor_names=NAMES, actor_sides=SIDES)
    reactions = sections(render_brief(data))["International reactions"]
    groups = {block.split("\n")[0]: block for block in reactions.split("### ")[1:]}
    assert set(groups) == {"UN Security Council", "European Union", "Other or unidentified"}
    assert "Nikol Pashinyan said, according to [Wire]" in groups["European Union"]
    assert "Reaction 3" in groups["Other or unidentified"]


def test_the_brief_never_imports_textual():
    import subprocess
    import sys

    code = "import sys, briefing.brief; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


def test_actor_names_and_sides_come_from_the_gazetteer():
    from briefing import classify
    from briefing.brief import actor_names

    if not hasattr(classify, "actor"):
        pytest.skip("the classifier has no actor() yet")
    names, sides = actor_names(["nikol-pashinyan", "no-such-actor"])
    assert "Pashinyan" in names["nikol-pashinyan"] and sides["nikol-pashinyan"] == "armenia"
    assert "no-such-actor" not in names  # the renderer shows the id, humanized: "No Such Actor"


def test_filter_uses_the_dashboards_language(tmp_path):
    db = build_fixture(tmp_path / "f.db")
    text, _ = write_brief(db, CONFIG, day=DAY, as_of=AS_OF, filter_text="side:armenia")
    body = sections(text)
    assert "Filter: side:armenia" in text
    assert "Watched feeds with nothing matching the filter in this window: APA" in text
    assert "Armenian Government" in body["Actor statements"] and "Azerbaijan MoD" not in text.split("## Sources")[0]
    with pytest.raises(BriefingError):
        write_brief(db, CONFIG, day=DAY, as_of=AS_OF, filter_text="side:mars")


def test_a_poll_committing_during_gather_cannot_slip_past_the_record(tmp_path, monkeypatch):
    """gather reads in one snapshot: an item committed after it read max_item_id is not in the
    brief either, so the next brief counts it as new rather than never."""
    import briefing.brief as brief

    db = build_fixture(tmp_path / "f.db")
    with Store(db) as reader, Store(db) as writer:
        window = resolve_window(day=DAY, tz=YEREVAN, tz_name="Asia/Yerevan", now=AS_OF)
        feed = next(f for f in writer.active_feeds() if f.name == "Reuters World")
        original = brief.select_items

        def poll_then_select(store, *args, **kwargs):
            writer.ingest(feed, [Entry("late", "Late report from Lachin", "", "https://reuters.example/late", at(15))],
                          at(15, 1), [label(["events"])], "fixture")  # fmt: skip
            return original(store, *args, **kwargs)

        monkeypatch.setattr(brief, "select_items", poll_then_select)
        data, newest = gather(reader, window, now=AS_OF)
        assert "Late report" not in render_brief(data)
        assert newest == writer.count_items() - 1
