"""Dashboard fixes from review: keys after "/" reach the filter line; `p` always fetches."""

from __future__ import annotations

from test_tui import make_app
from test_tui_support import build_db, settle
from textual import events

from briefing.store import Store
from briefing.tui.widgets.bars import FilterBar


def read_count(db) -> int:
    with Store(db) as store:
        return sum(item.read for item in store.items())


async def test_a_burst_after_slash_is_filter_text_not_pane_commands(tmp_path):
    db = build_db(tmp_path / "briefing.db", extra=40)
    before = read_count(db)
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        # one terminal read delivers all of it: no pause between the keys
        app.post_message(events.Key("slash", "/"))
        for ch in "rumour":  # r = read, u = unread, m = mark the pane read
            app.post_message(events.Key(ch, ch))
        await settle(pilot)
        assert app.screen.query_one(FilterBar).input.value == "rumour"
    assert read_count(db) == before


async def test_p_polls_even_when_no_feed_is_due(tmp_path, server):
    """A journalist who presses p wants a fetch now, not "nothing due"; conditional GET keeps it polite."""
    from datetime import UTC

    from loopback import Response, item, rss

    from briefing.models import Config, FeedConfig, PollSettings
    from briefing.poller import poll
    from briefing.tui.app import BriefingApp

    body = rss(item("1", "Sirens in Stepanakert", link="https://n.example/1"))
    url = server.route("/feed", lambda req: Response(200, body, {"Content-Type": "application/rss+xml"}))
    cfg = Config(feeds=(FeedConfig(name="Local", url=url, side="armenia", interval=3600),),
                 poll=PollSettings(timeout=5, deadline=5))
    db = tmp_path / "b.db"
    await poll(db, cfg)  # polled a moment ago: not due for an hour
    hits = server.hits("/feed")
    app = BriefingApp(db, cfg, tz=UTC, watch_interval=3600, filter_debounce=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert not app.polling
    assert server.hits("/feed") == hits + 1


async def test_b_writes_a_brief_without_a_feeds_file_and_shows_the_full_path(tmp_path, monkeypatch):
    from datetime import UTC

    from briefing.tui.app import BriefingApp

    db = build_db(tmp_path / "briefing.db")
    monkeypatch.chdir(tmp_path)
    app = BriefingApp(db, None, tz=UTC, watch_interval=3600, filter_debounce=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    [written] = list((tmp_path / "briefs").glob("brief-*.md"))
    assert any(str(written.resolve()) in m for m in messages)
