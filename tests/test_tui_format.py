"""The pure parts of the dashboard's look: times, badges, story labels, one row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from briefing.store import StoredItem
from briefing.tui.format import RowStyles, clean, row_text, side_badge, story_label, when

NOW = datetime(2023, 9, 20, 12, 0, tzinfo=UTC)


def item(**kw) -> StoredItem:
    base = dict(id=1, title="Title", summary="", link=None, published=NOW - timedelta(minutes=5),
                date_estimated=False, first_seen=NOW, language=None, author=None, feed_id=1, feed_name="APA",
                side="azerbaijan", kind=None, read=False, starred=False)  # fmt: skip
    base.update(kw)
    return StoredItem(**base)


def test_times_are_relative_today_and_dated_otherwise_in_the_desk_zone():
    assert when(NOW - timedelta(seconds=20), NOW, UTC).endswith("now")
    assert when(NOW - timedelta(minutes=12), NOW, UTC) == "11:48    12m"
    assert when(NOW - timedelta(hours=3), NOW, UTC) == "09:00     3h"
    assert when(NOW - timedelta(days=1), NOW, UTC) == "19 Sep 12:00"
    assert when(NOW - timedelta(days=400), NOW, UTC) == "16 Aug 2022 "
    yerevan = ZoneInfo("Asia/Yerevan")  # UTC+4: 22:00 UTC on the 19th is already the 20th there
    assert when(datetime(2023, 9, 19, 22, 0, tzinfo=UTC), NOW, yerevan).startswith("02:00")
    assert all(len(when(NOW - timedelta(minutes=m), NOW, UTC)) == 12 for m in (0, 5, 300, 3000, 600_000))


def test_side_badges_and_story_labels():
    assert [side_badge(s) for s in ("armenia", "azerbaijan", "karabakh", "international", None)] == [
        "AM", "AZ", "KA", "INTL", "··"]  # fmt: skip
    assert story_label(item()) == ""
    assert story_label(item(story_size=7, story_sides=("armenia", "azerbaijan", "international"))) == "×7 · AM AZ INTL"


def test_clean_strips_every_control_character():
    assert clean("a\x1b[31mb\x07c\x9b2Jd\nnext\tline") == "abcd next line"  # whole sequences go


def test_a_row_fits_its_width_and_keeps_markup_as_text():
    for width in (40, 78, 120):
        text = row_text(item(title="Breaking [/bold] news " * 5, places=("Lachin corridor",)), now=NOW, tz=UTC,
                        width=width, styles=RowStyles())  # fmt: skip
        assert text.cell_len == width
        assert "Breaking [/bold] news"[: width - 35] in text.plain
    wide = row_text(item(places=("Lachin corridor",), actors=("un",)), now=NOW, tz=UTC, width=120,
                    styles=RowStyles())  # fmt: skip
    assert wide.plain.startswith("● 11:55     5m AZ   APA")
    assert wide.plain.rstrip().endswith("@Lachin corridor #un")
    assert row_text(item(read=True, starred=True), now=NOW, tz=UTC, width=80, styles=RowStyles()).plain.startswith(
        "  11:55")
    assert "★" in row_text(item(starred=True), now=NOW, tz=UTC, width=80, styles=RowStyles()).plain


def test_at_80_columns_the_title_comes_before_the_story_badge_and_keeps_its_room():
    title = "Azerbaijan's defence ministry says Armenian forces shelled positions near Lachin overnight"
    story = item(title=title, story_size=7, story_sides=("armenia", "azerbaijan", "international"))
    narrow = row_text(story, now=NOW, tz=UTC, width=77, styles=RowStyles()).plain
    assert narrow.index("Azerbaijan's defence") < narrow.index("×7")
    assert narrow.rstrip().endswith("×7") and "AM AZ INTL" not in narrow  # the short badge at 80 columns
    assert len(narrow) - 31 - len("  ×7") >= 40  # the title's room: all but the prefix and the badge
    wide = row_text(story, now=NOW, tz=UTC, width=156, styles=RowStyles()).plain
    assert title in wide and wide.rstrip().endswith("×7 · AM AZ INTL")


def test_a_rows_segments_are_those_of_its_rich_text_with_the_cursor_and_the_pane_style():
    """The pane builds its rows' segments directly (row_segments); they must be exactly what
    rendering row_text, stylized with the cursor, under the pane's style would give."""
    from rich.console import Console
    from rich.style import Style
    from textual.strip import Strip

    from briefing.tui.format import row_segments

    console = Console()
    colourful = RowStyles(time=Style(color="grey50"), badge=Style(color="yellow", bold=True),
                          source=Style(color="cyan"), title=Style(bold=True), unread=Style(color="blue"),
                          tags=Style(dim=True), story=Style(color="green"), star=Style(color="yellow"))  # fmt: skip
    cursor, base = Style(bgcolor="blue"), Style(color="white", bgcolor="black")
    items = [
        item(),
        item(read=True, starred=True, title="Breaking [/bold] news " * 6),
        item(title="中文标题很长很长很长很长很长很长很长很长很长很长很长很长", places=("Lachin corridor",), actors=("un",)),
        item(title="Emoji 🚀 in a title that runs on and on and on and on and on and on", feed_name="A very long feed name"),
        item(title="", story_size=3, story_sides=("armenia", "azerbaijan")),
        item(title="Ağdam and Xankəndi: şəhər", places=("Goris", "Lachin corridor"), actors=("un", "az-mod"),
             story_size=12, story_sides=("international",), side=None),
    ]  # fmt: skip
    for one in items:
        for width in (1, 12, 40, 77, 80, 120, 156):
            for styles in (RowStyles(), colourful):
                for look in (None, cursor, Style()):
                    for under in (base, Style()):
                        for unsorted in (False, True):
                            text = row_text(one, now=NOW, tz=UTC, width=width, styles=styles, unsorted=unsorted)
                            if look:
                                text.stylize(look)
                            want = Strip(text.render(console), text.cell_len).apply_style(under)
                            got = row_segments(one, now=NOW, tz=UTC, width=width, styles=styles, base=under,
                                               cursor=look, unsorted=unsorted)  # fmt: skip
                            assert list(got) == list(want), (one.title, width, look, under, unsorted)
