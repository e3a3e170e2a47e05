"""The Textual dashboard (issue #4). The only package that imports Textual."""

from __future__ import annotations

from pathlib import Path

from ..models import Config


def run_dashboard(db_path: str | Path, config: Config | None, *, auto_poll: bool = False) -> None:
    """Open the dashboard on a database; with `auto_poll`, poll the feeds on schedule in-app."""
    from .app import BriefingApp

    BriefingApp(db_path, config, auto_poll=auto_poll).run()
