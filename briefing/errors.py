"""The errors a user can cause, each able to say what, where and how to fix it in one line.

The CLI prints `str(error)` to stderr and exits 2; the dashboard shows it as a notification.
Anything else that escapes is a bug in briefing, and gets a traceback.
"""

from __future__ import annotations


class BriefingError(Exception):
    """A problem caused by input the user controls: a file, an argument, a filter."""

    exit_code = 2


class ConfigError(BriefingError):
    """One or more problems in feeds.toml, all reported at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class FilterError(BriefingError):
    """A filter expression that cannot be understood."""


class OPMLError(BriefingError):
    """An OPML file that cannot be read."""


class StoreError(BriefingError):
    """A database file that cannot be opened or is not a briefing database."""
