"""The Textual dashboard (issue #4). The only package that imports Textual."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..models import Config

# Textual paints at most MAX_FPS frames a second, read from TEXTUAL_FPS when Textual is imported
# (so before any textual import: this package is the only one that imports it). A filter key's
# rows, read 10-25 ms after the frame that echoed the key, waited for the next tick of a 60 fps
# clock: 0-17 ms, 8 on average, as much as a pane's paint. At 120 the wait halves; frames are
# still only painted when something changed. A user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")


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
