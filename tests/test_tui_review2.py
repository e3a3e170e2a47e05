"""Dashboard fixes from the second review (a journalist's day): links without a display, undo for
`m`, the first-run hint, the status line's count, quitting, items that fit no pane."""

from __future__ import annotations

import contextlib
import sys
import webbrowser
from datetime import UTC, timedelta

import pytest
from test_tui import make_app, text_of
from test_tui_support import NOW, add_item, build_db, settle

from briefing.store import Store
from briefing.tui import data
from briefing.tui.app import BriefingApp
from briefing.tui.screens.base import browser_plan
from briefing.tui.widgets.bars import StatusLine


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "briefing.db", extra=40)


def read_ids(db) -> set[int]:
    with Store(db) as store:
        return {item.id for item in store.items() if item.read}


# ---------------------------------------------------------------------------- o without a display


def test_browser_plan():
    assert browser_plan({"DISPLAY": ":0"}, "linux") == "open"
    assert browser_plan({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == "open"
    assert browser_plan({}, "darwin") == "open"
    assert browser_plan({"BROWSER": "w3m"}, "linux") == "suspend"
    assert browser_plan({}, "linux") == "copy"


async def test_o_without_a_display_copies_the_link_instead_of_starting_a_console_browser(
    db, monkeypatch, opened_links
):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened_links == []
        assert app.clipboard == "https://am.example/1"
        assert any("link copied" in n.message for n in app._notifications)


async def test_o_with_only_a_console_browser_runs_it_with_the_dashboard_suspended(db, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BROWSER", "w3m")
    monkeypatch.setattr(sys, "platform", "linux")
    events = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: events.append(("open", url)) or True)

    @contextlib.contextmanager
    def suspend():
        events.append("suspended")
        yield
        events.append("resumed")

    app = make_app(db)
    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert events == ["suspended", ("open", "https://am.example/1"), "resumed"]


# ---------------------------------------------------------------------------- status line, interrupt


def test_items_today_is_one_count_not_every_row(db, monkeypatch):
    def no_rows(self, **kw):
        raise AssertionError("the status line must not load the day's items")

    monkeypatch.setattr(Store, "items", no_rows)
    with Store(db) as store:
        status = data.status(store, NOW, UTC)
        assert status.items_today == 5
        assert store.count_since(NOW - timedelta(minutes=50)) == 3


def test_a_reader_interrupts_through_the_store(db, monkeypatch):
    calls = []
    monkeypatch.setattr(Store, "interrupt", lambda self: calls.append(self))
    reader = data.Reader(db)
    try:
        reader._store = Store(db, check_same_thread=False)
        reader._busy = True
        reader.interrupt()
        assert calls == [reader._store]
    finally:
        reader._busy = False
        reader.close()


# ---------------------------------------------------------------------------- m, then U


async def test_undo_after_mark_pane_read_restores_exactly_what_it_changed(db):
    with Store(db) as store:
        items = store.items()
        already = {i.id for i in items if i.title == "Aid convoy waits at the Lachin corridor"}
        store.set_flags(list(already), read=True)  # read before `m`: must stay read after undo
    before = read_ids(db)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("undo_mark_read", ()) is False  # nothing to undo yet
        await pilot.press("3", "m")
        await settle(pilot)
        humanitarian = {i.id for i in items if "humanitarian" in i.panes}
        assert read_ids(db) == before | humanitarian
        await pilot.press("U")
        await settle(pilot)
        assert read_ids(db) == before and already <= before
        assert not any(p.rows[i].read for p in app.main.panes for i in p.rows if p.rows[i].id not in already)
        await pilot.press("U")  # only once
        await settle(pilot)
        assert read_ids(db) == before


# ---------------------------------------------------------------------------- quitting


async def test_ctrl_c_does_not_quit_but_q_and_ctrl_q_do_and_the_help_says_so(db):
    app = make_app(db)
    async with app.run_test(size=(120, 80)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        shown = text_of(app)
        assert "ctrl+q" in shown and "ctrl+c does not quit" in shown
        await pilot.press("escape", "ctrl+c")
        await settle(pilot)
        assert app.is_running and app.main is not None
        await pilot.press("slash", "x", "ctrl+q")  # from the filter line too
        await pilot.pause()
        assert not app.is_running or app._exit_renderables is not None


# ---------------------------------------------------------------------------- first run


async def test_first_run_without_feeds_toml_says_what_to_do(tmp_path):
    app = BriefingApp(tmp_path / "briefing.db", None, clock=lambda: NOW, tz=UTC, watch_interval=3600,
                      filter_debounce=0)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.main.query_one(StatusLine).render().plain
        assert status.startswith(" no feeds.toml here — see README, or try `briefing demo`")
        assert "no feeds.toml here" in text_of(app).split("\n")[2]  # the empty pane's first row too
        await pilot.press("slash", *"lachin")
        await settle(pilot)
        assert "nothing matches the filter" in text_of(app)


async def test_a_configured_desk_shows_no_setup_hint(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "feeds.toml" not in app.main.query_one(StatusLine).render().plain


# ---------------------------------------------------------------------------- items that fit no pane


@pytest.fixture
def unsorted_db(tmp_path):
    from test_tui_support import ITEMS, label

    from briefing.classify import Classification

    extra = [
        (2, 15, "Yerevan residents queue for fuel as prices climb", "Drivers waited for hours.",
         "https://oc.example/fuel", label()),  # on topic, fits no pane
        (2, 25, "Football: Baku club wins the cup", "Sports.", "https://oc.example/sport",
         Classification(panes=(), on_topic=False, why=(), speaker=None, actors=(), places=())),
    ]
    return build_db(tmp_path / "u.db", items=[*ITEMS, *extra])


async def test_key_5_shows_every_on_topic_item_and_those_that_fit_no_pane_are_searchable(unsorted_db):
    app = make_app(unsorted_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.main
        assert "Yerevan residents queue" not in text_of(app)  # the four panes: not there
        await pilot.press("5")
        await settle(pilot)
        every = screen.panes[4]
        assert every.pane == "all" and app.focused is every and every.region.width > 120  # the whole screen
        assert [p.pane for p in screen.panes if p.region.height] == ["all"]
        assert screen.counts["all"] == 9  # eight items + the unsorted one; the sports story is off-topic
        shown = text_of(app)
        assert "5 All 9" in shown  # the tabs say where you are
        line = next(row for row in shown.split("\n") if "Yerevan residents queue" in row)
        assert "unsorted" in line
        assert "Football" not in shown
        await pilot.press("slash", *"fuel")
        await settle(pilot)
        assert screen.counts == {"events": 0, "statements": 0, "humanitarian": 0, "reactions": 0, "all": 1}
        assert "Yerevan residents queue" in text_of(app)
        await pilot.press("enter", "1")  # back to the grid
        await settle(pilot)
        assert [p.pane for p in screen.panes if p.region.height] == ["events", "statements", "humanitarian",
                                                                     "reactions"]  # fmt: skip


async def test_the_all_tab_at_80_columns(unsorted_db):
    app = make_app(unsorted_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert " 5 All " in text_of(app) and "5 All 9" not in text_of(app)  # counted only when shown
        await pilot.press("5", "j")
        await settle(pilot)
        assert "5 All 9" in text_of(app)
        assert app.main.current_item().title == "Yerevan residents queue for fuel as prices climb"
        await pilot.press("enter")
        await settle(pilot)
        assert "in no pane: listed under All (key 5)" in text_of(app)


def test_the_all_views_windows_read_on_from_the_last_row_seen_and_match_the_top_down_read(tmp_path, monkeypatch):
    db = build_db(tmp_path / "w.db", extra=120)
    for n in range(25):  # many items in one second: windows start and end among ties
        add_item(db, f"Same second {n} {'xyzw'[n % 4] * (n + 1)}", minutes_ago=1)
    with Store(db) as store:
        now = NOW
        flt = data.parse("", now=now, tz=UTC)
        whole = [i.id for i in data._all_rows(store, flt, 1000)]
        calls = []
        search = Store.search
        monkeypatch.setattr(Store, "search", lambda self, *a, **kw: calls.append(kw) or search(self, *a, **kw))
        data._all_places.clear()
        seen = []
        for offset in range(0, len(whole), 10):
            seen += [i.id for i in data.pane_window(store, flt, data.ALL, offset, 10)]
        assert seen == whole
        assert all(kw.get("until") is not None for kw in calls[1:])  # each window read on from the last
        assert max(kw["limit"] for kw in calls) <= 10 + data._ALL_TIES
        assert [i.id for i in data.pane_window(store, flt, data.ALL, 55, 7)] == whole[55:62]  # a jump: no anchor
