"""The dashboard driven by Pilot over a real SQLite file: every binding, live updates, hostile text."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, timedelta

import pytest
from test_tui_support import NOW, add_item, build_db, config, settle

from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.tui.commands import COMMANDS, commands_for
from briefing.tui.screens.detail import DetailScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.widgets.bars import FilterBar, StatusLine
from briefing.tui.widgets.pane import ItemPane


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "briefing.db", extra=40)


def make_app(db, tmp_path=None, **kwargs) -> BriefingApp:
    kwargs.setdefault("clock", lambda: NOW)
    kwargs.setdefault("tz", UTC)
    kwargs.setdefault("watch_interval", 3600)
    kwargs.setdefault("filter_debounce", 0)
    return BriefingApp(db, config(tmp_path), **kwargs)


def main_screen(app) -> MainScreen:
    return app.main


@asynccontextmanager
async def dashboard(db, size=(160, 48)):
    """The app on `db`, run headless and settled: (app, pilot, its main screen)."""
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot, main_screen(app)


def text_of(app) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def titles(pane: ItemPane) -> list[str]:
    return [pane.rows[i].title for i in sorted(pane.rows)]


def flags(db, title) -> tuple[bool, bool]:
    with Store(db) as store:
        item = next(i for i in store.items() if i.title == title)
        return item.read, item.starred


# ---------------------------------------------------------------------------- layout


async def test_panes_show_counts_and_newest_first(db):
    async with dashboard(db) as (app, _pilot, screen):
        assert screen.counts == {"events": 44, "statements": 42, "humanitarian": 2, "reactions": 2}
        events = screen.panes[0]
        assert events.border_title.startswith("Events 44")
        assert titles(events)[0] == "Shelling reported near Stepanakert"
        shown = text_of(app)
        assert "11:55     5m AM" in shown  # today: local time and how long ago
        assert "19 Sep 10:00 AZ" in shown  # other days: date and time
        assert "@Lachin corridor" in shown  # place tags
        assert "●" in shown  # unread marker
        assert "5 items today" in app.screen.query_one(StatusLine).render().plain


async def test_narrow_terminal_shows_one_pane_with_tabs(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        shown = [p.pane for p in screen.panes if p.display and p.region.height]
        assert shown == ["events"]
        assert "2 Statements 42" in text_of(app)
        await pilot.press("2")
        await settle(pilot)
        assert [p.pane for p in screen.panes if p.region.height] == ["statements"]
        assert app.focused is screen.panes[1]


# ---------------------------------------------------------------------------- keys


async def test_pane_keys_and_tab(db):
    async with dashboard(db) as (app, pilot, screen):
        for key, index in (("3", 2), ("4", 3), ("1", 0), ("2", 1)):
            await pilot.press(key)
            assert screen.active == index and app.focused is screen.panes[index]
        await pilot.press("tab")
        assert screen.active == 2
        await pilot.press("tab", "tab")
        assert screen.active == 4  # the All view
        await pilot.press("tab")
        assert screen.active == 0
        await pilot.press("shift+tab")
        assert screen.active == 4


async def test_cursor_keys(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = main_screen(app).panes[0]
        await pilot.press("j", "j", "down")
        assert pane.cursor == 3
        await pilot.press("k", "up")
        assert pane.cursor == 1
        await pilot.press("G")
        await settle(pilot)
        assert pane.cursor == 43 and pane.current is not None  # the far end is loaded on demand
        assert pane.current.title.startswith("Older report 39:")
        await pilot.press("g")
        assert pane.cursor == 0 and pane.scroll_y == 0
        await pilot.press("pagedown")
        assert pane.cursor == pane.scrollable_content_region.height - 1
        await pilot.press("pageup")
        assert pane.cursor == 0
        await pilot.press("end")
        assert pane.cursor == 43
        await pilot.press("home")
        assert pane.cursor == 0


async def test_enter_opens_the_item_and_escape_returns(db):
    with Store(db) as store:  # an edit, and a second feed carrying the same article
        feeds = store.active_feeds()
        from briefing.models import Entry

        store.ingest(feeds[0], [Entry(guid="0-Shelling reported near Stepanakert",
                                      title="Shelling reported near Stepanakert: two hurt",
                                      summary="Updated.", link="https://am.example/1", published=None)], NOW)
        store.ingest(feeds[2], [Entry(guid="oc-copy", title="copy", summary="", link="https://am.example/1",
                                      published=None)], NOW)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        shown = text_of(app)
        for expected in ("Shelling reported near Stepanakert: two hurt", "https://am.example/1", "Armenpress  [AM]",
                         "published   2023-09-20 11:55 UTC", "first seen", "Stepanakert / Khankendi",
                         "Why it is here", "Latest events", "Carried by", "OC Media  [INTL]",
                         "Edits (earlier versions", "Residents describe explosions overnight."):
            assert expected in shown, expected
        assert flags(db, "Shelling reported near Stepanakert: two hurt") == (True, False)  # opening reads it
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_detail_shows_speaker_and_actors(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "enter")
        await settle(pilot)
        shown = text_of(app)
        assert "speaker" in shown and f"{app.actor_name('nikol-pashinyan')} (armenia)" in shown
        assert "actors" in shown


async def test_star_read_unread(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        title = "Shelling reported near Stepanakert"
        await pilot.press("s")
        await settle(pilot)
        assert flags(db, title) == (False, True)
        assert "★" in text_of(app)
        await pilot.press("r")
        await settle(pilot)
        assert flags(db, title) == (True, True)
        await pilot.press("u", "s")
        await settle(pilot)
        assert flags(db, title) == (False, False)


async def test_a_row_is_painted_again_whenever_what_it_shows_changes(db):
    """Rows are rendered once and reused (pane._strips) while nothing they show changes: a flag,
    the cursor, focus, the relative time and the width each paint the row anew."""
    now = [NOW]
    app = make_app(db, clock=lambda: now[0])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        events = screen.panes[0]
        row = lambda n: "".join(seg.text for seg in events.render_line(n))  # noqa: E731

        first = row(0)
        assert "Shelling reported near Stepanakert" in first and "●" in first and "★" not in first
        assert "5m" in first
        await pilot.press("s", "r")
        await settle(pilot)
        assert "★" in row(0) and "●" not in row(0)
        cursor_style = events.render_line(0).text, [seg.style for seg in events.render_line(0)]
        await pilot.press("j")
        await settle(pilot)
        assert [seg.style for seg in events.render_line(0)] != cursor_style[1]  # the cursor left it
        await pilot.press("2")  # focus moves to another pane: the cursor row there is drawn blurred
        await settle(pilot)
        assert [seg.style for seg in events.render_line(1)] != [seg.style for seg in events.render_line(2)]
        now[0] = NOW + timedelta(minutes=10)
        events.refresh()
        await settle(pilot)
        assert "15m" in row(0)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert len(row(0)) == events.scrollable_content_region.width


def screen_cells(app) -> list[list[tuple[str, object]]]:
    """Every cell's text and style, as the screen's widgets last painted them."""
    return [[(seg.text, seg.style) for seg in strip] for strip in app.screen._compositor.render_strips()]


async def test_repainting_only_the_lines_that_changed_shows_what_a_full_repaint_would(db):
    """A pane repaints only the lines whose row, cursor or blank changed, and its title line:
    after filters, counts, cursor moves, scrolling and a star, the screen is what repainting
    every pane from scratch shows."""
    async with dashboard(db) as (app, pilot, screen):

        async def check() -> None:
            await settle(pilot)
            partial = screen_cells(app)
            for pane in screen.panes:
                pane.refresh()
            await settle(pilot)
            assert partial == screen_cells(app)

        for keys in (["slash", *"s"], ["h"], ["e"], ["backspace", "backspace"], [*"older"], ["escape"],
                     ["j", "j", "j"], ["G"], ["s"], ["k"], ["g"], ["slash", *"lachin"], ["escape"]):  # fmt: skip
            await pilot.press(*keys)
            await check()
        assert "Events 44" in text_of(app)


async def test_a_filter_key_that_leaves_a_panes_rows_alone_repaints_only_its_title(db):
    """`shellin` → `shelling`: the same row, so the next frame repaints the pane's title (which
    says it is counting, then the count) and none of its rows."""
    async with dashboard(db) as (app, pilot, screen):
        events = screen.panes[0]
        await pilot.press("slash", *"shellin")
        await settle(pilot)
        assert titles(events) == ["Shelling reported near Stepanakert"]
        painted: list[int] = []
        render_line = events.render_line

        def recording(y: int):
            painted.append(y)
            return render_line(y)

        events.render_line = recording
        await pilot.press("g")
        await settle(pilot)
        assert screen.applied_text == "shelling" and titles(events) == ["Shelling reported near Stepanakert"]
        assert painted == []
        assert "Events 1" in text_of(app) and "Shelling reported near Stepanakert" in text_of(app)
        await pilot.press("escape")  # every row changes
        await settle(pilot)
        assert {0, 1, 2} <= set(painted)


async def test_new_rows_are_rendered_as_they_arrive_not_in_the_frame_that_shows_them(db):
    """The frame that shows a filter's rows waits for Textual's frame clock: the rows that
    changed are rendered (into the pane's row cache) when they arrive, and painted as rendered."""
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        events = main_screen(app).panes[0]
        rows = [events.rows[i] for i in sorted(events.rows)][::-1]
        events._strips.clear()
        events.set_rows(len(rows), 0, rows, len(rows))
        shown = rows[: events.scrollable_content_region.height]
        assert {item.id for item in shown} <= set(events._strips)
        await settle(pilot)
        assert titles(events)[0] == rows[0].title and rows[0].title[:30] in text_of(app)


async def test_a_starred_row_is_repainted_where_it_is_while_the_pane_is_scrolled(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        events = main_screen(app).panes[0]
        await pilot.press("G")  # the last row: the pane scrolls
        await settle(pilot)
        assert events.scroll_y > 0
        line = events.cursor - int(events.scroll_y)
        before = "".join(seg.text for seg in events.render_line(line))
        assert "★" not in before
        await pilot.press("s")
        await settle(pilot)
        row = next(text for text in text_of(app).splitlines() if "Older report 39:" in text)
        assert "★" in row.split("││")[0]


async def test_mark_pane_read(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3", "m")
        await settle(pilot)
        with Store(db) as store:
            items = store.items()
        humanitarian = [i for i in items if "humanitarian" in i.panes]
        assert humanitarian and all(i.read for i in humanitarian)
        assert not any(i.read for i in items if "humanitarian" not in i.panes)


async def test_open_link_uses_the_browser_module_and_only_web_links(db, monkeypatch, opened_links):
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop: `o` hands the link to the browser
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened_links == ["https://am.example/1"]
        await pilot.press("4", "j")  # "EU mission patrols the border" has a javascript: link
        await settle(pilot)
        screen = main_screen(app)
        assert screen.current_item().title == "EU mission patrols the border"
        assert screen.check_action("open_link", ()) is None
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened_links == ["https://am.example/1"]


async def test_copy_link(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "y")
        assert app.clipboard == "https://az.example/2"


async def test_help_lists_every_binding(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = text_of(app)
        for command in commands_for("main"):
            assert command.description[:40] in shown, command.description
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


def test_one_command_list_feeds_every_binding():
    actions = {b.action for b in MainScreen.BINDINGS} | {b.action for b in DetailScreen.BINDINGS}
    assert actions == {c.action for c in COMMANDS}
    for command in COMMANDS:
        for screen in (MainScreen, DetailScreen):
            if screen.SCREEN_NAME in command.screens:
                assert hasattr(screen, "action_" + command.action.split("(")[0]), (screen, command.action)


async def test_palette_runs_the_same_commands(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        titles_offered = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Star", "Filter", "Help", "Quit", "Open"} <= titles_offered
        assert "Save filter" not in titles_offered  # no filter yet: hidden, as in the footer
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"star")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert flags(db, "Shelling reported near Stepanakert") == (False, True)


async def test_quit(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit_renderables is not None or not app.is_running


# ---------------------------------------------------------------------------- mouse


async def test_mouse_click_selects_and_double_click_opens(db):
    async with dashboard(db) as (app, pilot, screen):
        await pilot.click("#pane-statements", offset=(10, 2))
        await settle(pilot)
        assert screen.active == 1 and screen.panes[1].cursor == 1
        await pilot.double_click("#pane-statements", offset=(10, 1))
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


# ---------------------------------------------------------------------------- filter line


async def test_filter_as_you_type_and_escape_clears(db):
    async with dashboard(db) as (app, pilot, screen):
        await pilot.press("slash", *"lachin")
        await settle(pilot)
        assert screen.counts == {"events": 0, "statements": 0, "humanitarian": 1, "reactions": 0}
        assert screen.query_one(FilterBar).has_class("-visible")
        await pilot.press("enter")  # back to the panes, the filter stays
        await settle(pilot)
        assert app.focused is screen.panes[0] and screen.counts["humanitarian"] == 1
        assert "Humanitarian 1" in text_of(app)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.counts["events"] == 44 and not screen.query_one(FilterBar).has_class("-visible")


async def test_counts_reach_hidden_tabs_and_the_scrollbars(db):
    """The tabs (hidden in the wide grid) take each filter's counts without a layout, and show
    them once the terminal narrows; every pane's scrollable height ends at its count, although
    it is left alone while a new filter is still being counted."""
    async with dashboard(db) as (app, pilot, screen):
        await pilot.press("slash", *"lachin")
        await settle(pilot)
        assert [pane.virtual_size.height for pane in screen.panes[:4]] == [0, 0, 1, 0]
        await pilot.press("escape")
        await settle(pilot)
        assert [pane.virtual_size.height for pane in screen.panes[:4]] == [44, 42, 2, 2]
        await pilot.press("slash", *"shell")
        await settle(pilot)
        counts = dict(screen.counts)
        assert [pane.virtual_size.height for pane in screen.panes[:4]] == [counts[p.pane] for p in screen.panes[:4]]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause()
        shown = text_of(app)
        assert f"1 Events {counts['events']}" in shown and f"3 Humanitarian {counts['humanitarian']}" in shown


def record_layouts(screen) -> list[tuple[str, bool]]:
    """(filter text the panes show, every pane counted) at each layout of the screen from now on."""
    layouts: list[tuple[str, bool]] = []
    refresh_layout = screen._refresh_layout

    def recording(*args, **kwargs):
        layouts.append((screen.applied_text, all(pane.counted for pane in screen.panes[:4])))
        return refresh_layout(*args, **kwargs)

    screen._refresh_layout = recording
    return layouts


async def test_the_frame_that_empties_the_panes_lays_nothing_out_and_the_scrollbars_follow(db):
    """A key that leaves nothing to show paints the empty panes first; the layout that hides the
    scrollbars comes in a frame of its own after them."""
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        screen = main_screen(app)
        events = screen.panes[0]
        assert events.show_vertical_scrollbar
        frames: list[tuple[str, str]] = []
        refresh_layout, compositor_refresh = screen._refresh_layout, screen._compositor_refresh
        screen._refresh_layout = lambda *a, **k: (frames.append(("layout", screen.applied_text)),
                                                  refresh_layout(*a, **k))[1]  # fmt: skip
        screen._compositor_refresh = lambda: (frames.append(("paint", screen.applied_text)), compositor_refresh())[1]
        screen.query_one(FilterBar).input.value = "zzzz"  # as pasted
        await settle(pilot)
        first = frames.index(("paint", "zzzz"))
        assert frames[first - 1] != ("layout", "zzzz") and ("layout", "zzzz") in frames[first:]
        assert screen.counts == dict.fromkeys(data_panes(), 0) and not events.show_vertical_scrollbar
        assert "nothing matches the filter" in text_of(app)


def data_panes() -> tuple[str, ...]:
    from briefing.tui import data

    return data.PANES


async def test_a_filter_key_lays_nothing_out_and_a_long_filter_still_scrolls(db):
    """The filter line's size never depends on its text: a key repaints it without laying the
    screen out again (Textual's Input would, for every key); text wider than the line still
    scrolls so that the cursor and the last words typed stay in view."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *"shell")
        await settle(pilot)
        layouts = record_layouts(screen)
        await pilot.press("asterisk", "space")  # the same rows and counts: nothing else changes either
        await settle(pilot)
        assert screen.applied_text == "shell* " and layouts == []
        field = screen.query_one(FilterBar).input
        field.value = "shell* " + " ".join(f"word{n}" for n in range(20))
        field.cursor_position = len(field.value)
        await pilot.press(*" end")
        await settle(pilot)
        assert field.value.endswith("word19 end") and field.scroll_x > 0
        assert text_of(app).splitlines()[-3].rstrip().endswith("word18 word19 end")


async def test_a_new_filters_rows_lay_nothing_out_until_they_are_counted(db):
    """`lachin` (one row) → `older` (a screenful): the rows are painted without laying the screen
    out (nor does a pane whose count is known at once, but that needs no scrollbar either way);
    the scrollbar follows the counts."""
    async with dashboard(db) as (_app, pilot, screen):
        await pilot.press("slash", *"lachin")
        await settle(pilot)
        layouts = record_layouts(screen)
        screen.query_one(FilterBar).input.value = "older"  # as pasted
        await settle(pilot)
        events = screen.panes[0]
        assert screen.applied_text == "older" and events.count == 40 and events.virtual_size.height == 40
        assert ("older", False) not in layouts and ("older", True) in layouts
        assert events.vertical_scrollbar.window_virtual_size == 40


async def test_the_names_a_place_or_actor_filter_looks_up_are_ready_once_the_panes_are(db):
    """The gazetteer's folded names (and their patterns) took the first place: or actor: key
    ~35 ms to build: they are built in the background once the panes are on screen."""
    from briefing.classify import gazetteer

    gazetteer._lookup_tables.cache_clear()
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for _ in range(200):  # a thread worker started after the first paint
            if gazetteer._lookup_tables.cache_info().currsize:
                break
            await pilot.pause(0.01)
        assert gazetteer._lookup_tables.cache_info().currsize == 1
        await pilot.press("slash", *"place:goris")
        await settle(pilot)
        assert main_screen(app).counts == {"events": 1, "statements": 0, "humanitarian": 1, "reactions": 0}


async def test_keys_typed_while_a_filter_is_read_coalesce_into_one_read_of_the_newest_text(db, monkeypatch):
    """A key with nothing in flight is read at once; keys typed during that read are not read one
    by one: the newest text is read next, and the panes end on it with its own counts."""
    import threading

    from briefing.tui import data

    release = threading.Event()
    asked: list[str] = []
    first_windows = data.first_windows

    def slow_first_windows(store, flt, heights):
        asked.append(flt.text)
        if len(asked) == 1:
            release.wait(10)  # the first read is still running while the burst is typed
        return first_windows(store, flt, heights)

    async with dashboard(db) as (_app, pilot, screen):
        monkeypatch.setattr(data, "first_windows", slow_first_windows)
        await pilot.press("slash", "l")
        for _ in range(100):  # the first key's read has started
            if asked:
                break
            await pilot.pause(0.01)
        shown: list[str] = []
        for text in ("la", "lac", "lach", "lachi", "lachin"):
            await pilot.press(text[-1])
            shown.append(screen.applied_text)
        release.set()
        for _ in range(50):
            await settle(pilot)
            shown.append(screen.applied_text)
            if screen.applied_text == "lachin":
                break
        assert asked == ["l", "lachin"]  # nothing read for the prefixes typed in between
        assert screen.applied_text == "lachin" and screen.filter_text == "lachin"
        assert screen.counts == {"events": 0, "statements": 0, "humanitarian": 1, "reactions": 0}
        assert [item.title for pane in screen.panes for item in pane.rows.values()] == [
            "Aid convoy waits at the Lachin corridor"
        ]
        # the panes went forward only: never back to an older text once a newer one was shown
        order = ["", "l", "lachin"]
        seen = [order.index(text) for text in shown]
        assert seen == sorted(seen)


async def test_a_key_that_leaves_the_filter_meaning_alone_reads_nothing(db, monkeypatch):
    """`shell` → `shell*` → `shell* ` → `shell* -` select the same items: the rows (and counts)
    already read are shown under the new text at once; a key that changes the meaning reads."""
    from briefing.tui import data

    asked: list[str] = []
    first_windows = data.first_windows

    def counting_first_windows(store, flt, heights):
        asked.append(flt.text)
        return first_windows(store, flt, heights)

    async with dashboard(db) as (_app, pilot, screen):
        monkeypatch.setattr(data, "first_windows", counting_first_windows)
        await pilot.press("slash", *"shell")
        await settle(pilot)
        counts = dict(screen.counts)
        rows = {pane.pane: titles(pane) for pane in screen.panes}
        assert asked[-1] == "shell" and any(counts.values())
        asked.clear()
        for key, text in (("asterisk", "shell*"), ("space", "shell* "), ("minus", "shell* -")):
            await pilot.press(key)
            await settle(pilot)
            assert screen.applied_text == text and screen.counts == counts
            assert {pane.pane: titles(pane) for pane in screen.panes} == rows
        assert asked == []
        await pilot.press("s")  # -s: now it excludes a word
        await settle(pilot)
        assert asked == ["shell* -s"] and screen.applied_text == "shell* -s"


async def test_the_footer_follows_the_panes_once_the_filter_line_is_left(db):
    """While typing, the footer offers the filter line's commands only and is not rebuilt for each
    result; what the pane's commands can do (an emptied pane has nothing to open) shows once the
    filter line is left."""
    from textual.widgets import Footer

    async with dashboard(db) as (_app, pilot, screen):

        def footer() -> str:  # the commands offered, not greyed out
            return " ".join(key.render().plain for key in screen.query_one(Footer).query("FooterKey")
                            if not key.has_class("-disabled"))  # fmt: skip

        assert "Open" in footer()
        await pilot.press("slash", *"lachin")
        await settle(pilot)
        assert screen.counts["events"] == 0 and footer() == " / Filter  ^p palette"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        shown = footer()
        assert "Open" not in shown and "Filter" in shown  # nothing to open in Events
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause()
        assert "Open" in footer()


async def test_a_key_during_the_counts_reads_at_once_and_drops_them(db, monkeypatch):
    """The counts of a prefix the user has typed past are abandoned; the new text's rows and
    counts are read straight away, never the old counts painted over them."""
    import threading

    from briefing.tui import data

    counting = threading.Event()
    counted: list[str] = []
    pane_counts = data.pane_counts

    def slow_counts(store, flt, views=data.PANES):
        counted.append(flt.text)
        if flt.text == "older":  # 40 "Older report" items: more than a pane shows
            counting.set()  # a count that runs until interrupted, as a slow one at 1M items would
            store.db.conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
                                  " SELECT count(*) FROM c").fetchall()  # fmt: skip
        return pane_counts(store, flt, views)

    async with dashboard(db) as (_app, pilot, screen):
        monkeypatch.setattr(data, "pane_counts", slow_counts)
        await pilot.press("slash", *"older")
        for _ in range(200):
            if counting.is_set():
                break
            await pilot.pause(0.01)
        assert counting.is_set() and screen.applied_text == "older"  # rows shown, counts pending
        assert not screen.panes[0].counted
        await pilot.press("x")  # "olderx": nothing matches
        for _ in range(200):
            if screen.applied_text == "olderx":
                break
            await pilot.pause(0.01)
        assert screen.applied_text == "olderx"  # the old count was interrupted, not waited for
        await settle(pilot)
        assert screen.applied_text == "olderx" and counted[-1] == "older"  # "olderx" needs no count: empty
        assert screen.counts == {"events": 0, "statements": 0, "humanitarian": 0, "reactions": 0}
        assert not [item for pane in screen.panes for item in pane.rows.values()]


async def test_malformed_filter_shows_a_hint_and_keeps_going(db):
    async with dashboard(db) as (_app, pilot, screen):
        await pilot.press("slash", *"@sometime")
        await settle(pilot)
        hint = screen.query_one("#filter-hint")
        assert hint.has_class("-error") and str(hint.render())
        assert screen.counts["events"] == 44  # the last good result stays
        await pilot.press("escape")
        await settle(pilot)
        assert not hint.has_class("-error")


async def test_saved_filters_survive_a_restart(db):
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"lachin", "enter", "F")
        await settle(pilot)
        await pilot.press(*"corridor", "enter")
        await settle(pilot)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.saved == [("corridor", "lachin")]
        assert "Filter: corridor" in {c.title for c in app.get_system_commands(app.screen)}
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.filter_text == "lachin" and screen.counts["humanitarian"] == 1
        await pilot.press("f", "d", "escape")
        await settle(pilot)
        assert app.saved == []


# ---------------------------------------------------------------------------- live


async def test_new_items_appear_without_moving_the_cursor(db):
    async with dashboard(db) as (_app, pilot, screen):
        pane = screen.panes[0]
        await pilot.press("j", "j", "j")
        before = pane.current
        row_on_screen = pane.cursor - int(pane.scroll_y)
        add_item(db, "Fresh clash reported at the border", minutes_ago=1)
        add_item(db, "Another fresh report", minutes_ago=2)
        screen.check_version()
        await settle(pilot)
        assert screen.counts["events"] == 46
        assert pane.current.id == before.id  # the same item under the cursor ...
        assert pane.cursor - int(pane.scroll_y) == row_on_screen  # ... on the same screen row
        assert "↑2 new" in pane.border_title
        await pilot.press("g")
        await settle(pilot)
        assert pane.current.title == "Fresh clash reported at the border"
        assert "new" not in pane.border_title


async def test_live_updates_come_from_the_data_version_timer(db):
    app = make_app(db, watch_interval=0.02)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        add_item(db, "Written by another process", minutes_ago=0.5)
        screen = main_screen(app)
        for _ in range(1000):  # the timer's next tick, however busy the machine
            await pilot.pause(0.01)
            if screen.counts["events"] == 45:
                break
        assert screen.counts["events"] == 45
        assert titles(screen.panes[0])[0] == "Written by another process"


async def test_poll_now_fetches_from_the_feeds(tmp_path, server):
    from loopback import Response, item, rss

    from briefing.models import Config, FeedConfig, PollSettings

    body = rss(item("1", "Sirens in Stepanakert", link="https://n.example/1"))
    url = server.route("/feed", lambda req: Response(200, body, {"Content-Type": "application/rss+xml"}))
    cfg = Config(feeds=(FeedConfig(name="Local", url=url, side="armenia"),),
                 poll=PollSettings(timeout=5, deadline=5))
    db = tmp_path / "b.db"
    app = BriefingApp(db, cfg, tz=UTC, watch_interval=3600, filter_debounce=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert main_screen(app).check_action("poll", ()) is True
        await pilot.press("p")
        await settle(pilot)
        assert not app.polling
        with Store(db) as store:
            assert [i.title for i in store.items()] == ["Sirens in Stepanakert"]
        assert "1 feeds ok" in main_screen(app).query_one(StatusLine).render().plain


async def test_poll_and_brief_hidden_without_feeds(db):
    app = BriefingApp(db, None, tz=UTC, watch_interval=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert main_screen(app).check_action("poll", ()) is False
        await pilot.press("p")  # nothing to poll: nothing happens, nothing breaks
        await settle(pilot)
        assert not app.polling


async def test_brief_key_writes_todays_brief(db, tmp_path):
    app = make_app(db, tmp_path / "briefs")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert list((tmp_path / "briefs").glob("brief-*.md"))


# ---------------------------------------------------------------------------- hostile text


async def test_feed_text_is_never_markup_nor_terminal_control(tmp_path):
    from test_tui_support import ITEMS, label

    hostile = [
        (0, 3, "Breaking [/bold] news", "x", "https://h.example/1", label("events")),
        (0, 4, "Evil \x1b]0;owned\x07title \x1b[31mred\x1b[0m end\x9b2J", "\x1b[2J", "https://h.example/2",
         label("events")),
    ]
    db = build_db(tmp_path / "h.db", items=[*ITEMS, *hostile])
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        shown = text_of(app)
        assert "Breaking [/bold] news" in shown
        assert "Breaking [/bold] news [red]not red[/red]" in shown
        assert "Evil ]0;ownedtitle [31mred[0m end2J" in shown or "Evil" in shown
        assert not any(ch in shown for ch in "\x1b\x07\x9b")
        await pilot.press("j", "enter")
        await settle(pilot)
        detail = text_of(app)
        assert "Evil" in detail and not any(ch in detail for ch in "\x1b\x07\x9b")


async def test_demo_dashboard_polls_in_app(tmp_path):
    """The demo path: the bundled loopback feeds, the real poller running inside the app."""
    from briefing.demo import DemoServer

    db = tmp_path / "demo.db"
    with DemoServer(initial_hours=36, speed=2.0) as server:
        app = BriefingApp(db, server.config(interval=10), auto_poll=True, tz=UTC, watch_interval=0.05)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = main_screen(app)
            for _ in range(1000):  # wait for the first poll and its repaint, not for a fixed time
                await pilot.pause(0.02)
                if not app.polling and screen.counts and sum(screen.counts.values()):
                    break
            await settle(pilot)
            assert sum(screen.counts.values()) > 20
            assert "feeds ok" in screen.query_one(StatusLine).render().plain


# ---------------------------------------------------------------------------- every filter token

TODAY = {"events": 2, "statements": 2, "humanitarian": 1, "reactions": 1}
TOKENS = [
    # (filter, expected counts (a subset of panes), what every row shown must satisfy)
    ("lachin", {"humanitarian": 1, "events": 0}, lambda i: "Lachin" in i.title + i.summary),
    ('"lachin corridor"', {"humanitarian": 1}, lambda i: "Lachin corridor" in i.title),
    ('"corridor lachin"', {"humanitarian": 0}, None),
    ("evacuat*", {"humanitarian": 1, "events": 1}, lambda i: "evacuat" in i.title.lower()),
    ("side:azerbaijan", {"humanitarian": 0, "events": 12}, lambda i: i.side == "azerbaijan"),
    ("side:az", {"events": 12}, lambda i: i.side == "azerbaijan"),
    ("actor:pashinyan", {"statements": 1, "events": 0}, lambda i: "nikol-pashinyan" in i.actors),
    ("place:khankendi", {"events": 1}, lambda i: "Stepanakert / Khankendi" in i.places),
    ("place:stepanakert", {"events": 1}, lambda i: "Stepanakert / Khankendi" in i.places),
    ("source:armenpress", {"events": 12}, lambda i: i.feed_name == "Armenpress"),
    ("lang:ru", {"events": 1}, lambda i: i.language == "ru"),
    ("@6h", TODAY, lambda i: (NOW - i.published).total_seconds() <= 6 * 3600),
    ("@today", TODAY, lambda i: i.published.date() == NOW.date()),
    ("@since:06:00", TODAY, lambda i: i.published.hour >= 6 and i.published.date() == NOW.date()),
    ("@2023-09-19..2023-09-19", {"events": 2, "humanitarian": 1, "statements": 0},
     lambda i: i.published.date().isoformat() == "2023-09-19"),
    ("+unread", {"events": 34}, lambda i: not i.read),
    ("+starred", {"events": 1, "statements": 0}, lambda i: i.starred),
    ("-shelling", {"events": 34}, lambda i: "Shelling" not in i.title),
    ("-side:azerbaijan", {"events": 23}, lambda i: i.side != "azerbaijan"),
    ("shelling @6h side:armenia", {"events": 1, "statements": 0}, None),
    ("C++", None, None),
    ("AT&T", None, None),
    ('"unclosed', None, None),
]


async def test_every_filter_token(tmp_path):
    from test_tui_support import ITEMS, label

    lang_item = (2, 60 * 24 * 5, "Обстрел в районе", "Русский текст.", "https://ru.example/1", label("events"))
    db = build_db(tmp_path / "f.db", items=[*ITEMS, lang_item], extra=30)
    with Store(db) as store:  # one read, one starred; the Russian item gets its language
        ids = {i.title: i.id for i in store.items()}
        store.set_flags([ids["Shelling reported near Stepanakert"]], read=True, starred=True)
        store.db.conn.execute("UPDATE items SET language = 'ru' WHERE id = ?", (ids["Обстрел в районе"],))
    async with dashboard(db) as (_app, pilot, screen):
        total = dict(screen.counts)
        bar = screen.query_one(FilterBar)
        await pilot.press("slash")
        for text, expected, every_row in TOKENS:
            bar.input.value = text
            await settle(pilot)
            hint = screen.query_one("#filter-hint")
            assert not hint.has_class("-error"), (text, str(hint.render()))
            assert screen.applied_text == text
            if expected is not None:
                for pane, count in expected.items():
                    assert screen.counts[pane] == count, (text, pane, screen.counts)
            if every_row is not None:
                rows = [item for pane in screen.panes for item in pane.rows.values()]
                assert rows, text
                assert all(every_row(item) for item in rows), text
        await pilot.press("escape")
        await settle(pilot)
        assert screen.counts == total


async def test_bad_filters_each_show_a_hint(db):
    async with dashboard(db) as (_app, pilot, screen):
        bar = screen.query_one(FilterBar)
        await pilot.press("slash")
        for text in ("side:mars", "@tomorrowish", "colour:red", "@2023-13-45"):
            bar.input.value = text
            await settle(pilot)
            hint = screen.query_one("#filter-hint")
            assert hint.has_class("-error") and str(hint.render()), text
            assert screen.counts["events"] == 44  # the panes keep the last good result


async def test_a_story_is_one_row_and_the_item_view_lists_its_reports(tmp_path):
    from test_tui_support import label

    story = [
        (1, 8, "Azerbaijan launches military operation in Karabakh",
         "Azerbaijan's defence ministry announced local anti-terror measures in Karabakh on Tuesday.",
         "https://az.example/op", label("events")),
        (2, 6, "Azerbaijan launches military operation in Karabakh, defence ministry says",
         "Azerbaijan's defence ministry announced local anti-terror measures in Karabakh on Tuesday.",
         "https://oc.example/op", label("events")),
        (0, 4, "Azerbaijan launches a military operation in Karabakh",
         "Azerbaijan's defence ministry announced local anti-terror measures in Karabakh on Tuesday.",
         "https://am.example/op", label("events")),
    ]
    db = build_db(tmp_path / "s.db", items=story)
    with Store(db) as store:
        sizes = {i.story_size for i in store.items()}
    if sizes != {3}:
        pytest.skip(f"story clustering did not group the three reports (sizes {sizes})")
    async with dashboard(db) as (app, pilot, screen):
        assert screen.counts["events"] == 1
        assert "×3" in text_of(app)  # after the title; the grid's panes are narrow: no sides
        await pilot.press("enter")
        await settle(pilot)
        shown = text_of(app)
        assert "The story: 3 reports from 3 sources" in shown
        for feed in ("Armenpress", "APA", "OC Media"):
            assert f"{feed}: Azerbaijan launches" in shown
        first = app.screen.item
        await pilot.press("N")
        await settle(pilot)
        assert app.screen.item.id != first.id and app.screen.item.feed_name == "OC Media"
        assert "source      OC Media" in text_of(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.item.id == first.id


async def test_saved_filter_names_are_not_markup_in_the_palette(db):
    with Store(db) as store:
        store.save_filter("[/bold] [red]x", '"[b]" lachin')
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Filter")
        await settle(pilot)
        assert "Filter: [/bold] [red]x" in text_of(app)
        await pilot.press("escape")
        await pilot.press("f")
        await settle(pilot)
        assert "[/bold] [red]x" in text_of(app)


async def test_item_view_keys(db, monkeypatch, opened_links):
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop: `o` hands the link to the browser
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        title = "Shelling reported near Stepanakert"
        await pilot.press("s", "u")
        await settle(pilot)
        assert flags(db, title) == (False, True)
        await pilot.press("r", "s")
        await settle(pilot)
        assert flags(db, title) == (True, False)
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened_links == ["https://am.example/1"] and app.clipboard == "https://am.example/1"
        body = app.screen.query_one("#detail-body")
        await pilot.press("j", "j")
        assert body.scroll_y >= 0  # scrolls when there is more than a screenful; never errs
        await pilot.press("k", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Close the item view" in text_of(app)
        await pilot.press("escape", "backspace")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "★" not in text_of(app)


async def test_a_capped_count_grows_as_you_scroll(tmp_path):
    from briefing.tui import data

    if data.COUNT_CAP > 2000:
        pytest.skip("the store does not cap pane counts")
    extra = data.COUNT_CAP + 46
    db = build_db(tmp_path / "big.db", extra=extra)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = main_screen(app).panes[0]
        assert pane.border_title.startswith(f"Events {data.COUNT_CAP:,}+")
        for _ in range(6):  # each G reaches further until the true end is known
            await pilot.press("G")
            await settle(pilot)
        from briefing.query import parse_filter

        with Store(db) as store:  # one row a story: a few made-up titles do cluster
            rows = store.pane_window(parse_filter(""), "events", offset=0, limit=10 * extra)
        assert len(rows) > data.COUNT_CAP
        assert pane.count == len(rows)
        assert pane.current.id == rows[-1].id
        await pilot.press("g")
        await settle(pilot)
        assert pane.current.title == "Shelling reported near Stepanakert"


async def test_quitting_during_a_poll_does_not_wait_for_slow_feeds(tmp_path, server):
    import time

    from loopback import Response

    from briefing.models import Config, FeedConfig, PollSettings

    slow = Response(200, [b"<rss>"] + [b" "] * 20, {"Content-Type": "application/rss+xml"}, pause=0.5)
    url = server.route("/slow", lambda req: slow)
    cfg = Config(feeds=(FeedConfig(name="Slow", url=url),), poll=PollSettings(timeout=20, deadline=20))
    app = BriefingApp(tmp_path / "b.db", cfg, tz=UTC, watch_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        for _ in range(100):
            await pilot.pause(0.01)
            if app._poll_running is not None:
                break
        assert app.polling
        started = time.monotonic()
        await pilot.press("q")
    for _ in range(300):  # the poll thread ends soon after the cancel, not after the feed's 10 s
        if app._poll_running is None:
            break
        time.sleep(0.01)
    assert app._poll_running is None and time.monotonic() - started < 5


def test_the_dashboard_paints_at_up_to_120_frames_a_second_unless_told_otherwise():
    """Textual reads TEXTUAL_FPS once, when imported: the dashboard package sets its default (a
    filter's rows wait less for the next frame) before Textual is imported, and a user's wins."""
    import os
    import subprocess
    import sys

    code = "import briefing.tui.app, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    ours = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    theirs = subprocess.run([sys.executable, "-c", code], env={**env, "TEXTUAL_FPS": "30"}, capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert (ours.stdout.strip(), theirs.stdout.strip()) == ("120", "30")
