"""The Textual dashboard (issue #4). The only package that imports Textual."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..models import Config


def run_dashboard(
    db_path: str | Path,
    config: Config | None,
    *,
    auto_poll: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Open the dashboard on a database; with `auto_poll`, poll the feeds on schedule in-app.
    `clock` is the news' "now" (the demo replays 2023); polls are timed by the wall clock."""
    from datetime import UTC

    from .app import BriefingApp

    BriefingApp(db_path, config, auto_poll=auto_poll, clock=clock, wall_clock=lambda: datetime.now(UTC)).run()
