"""What the dashboard looks like, at 80×24 and 160×48, with a frozen clock (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update` and
look at the SVGs in tests/__snapshots__/.
"""

from __future__ import annotations

from datetime import UTC

import pytest
from test_tui_support import NOW, build_db, config, settle

from briefing.tui.app import BriefingApp


@pytest.fixture
def app(tmp_path):
    db = build_db(tmp_path / "briefing.db", extra=30)
    return BriefingApp(db, config(), clock=lambda: NOW, tz=UTC, watch_interval=3600, filter_debounce=0)


def settled(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def test_dashboard_wide(app, snap_compare):
    assert snap_compare(app, terminal_size=(160, 48), run_before=settled("j", "j"))


def test_dashboard_narrow(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled())


def test_dashboard_narrow_filtered(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled("slash", *"corridor", "enter", "3"))


def test_item_view(app, snap_compare):
    assert snap_compare(app, terminal_size=(160, 48), run_before=settled("2", "enter"))


def test_item_view_narrow(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled("enter"))


def test_help_narrow(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled("question_mark"))
