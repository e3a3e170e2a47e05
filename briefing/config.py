"""feeds.toml → a validated Config.

Validation is strict and complete: every unknown key, wrong type, bad value, duplicate and
non-http(s) URL is reported — each as one line naming the file, the line and the key, and
saying how to fix it — in a single ConfigError, rather than stopping at the first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import BriefingError, ConfigError
from .models import KINDS, SIDES, BriefSettings, Config, FeedConfig, PollSettings
from .text import canonical_url, safe_url, strip_controls
from .timespec import zone

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")

MIN_INTERVAL = 60  # polling a publisher more often than once a minute is not polite
_UNITS = (("m", "minutes", 60), ("h", "hours", 3600), ("s", "seconds", 1))
_DURATION_HINT = 'write a duration like "90s", "15m" or "1h", between 1 minute and 7 days'
MAX_INTERVAL = 7 * 24 * 3600


def parse_duration(value: Any) -> int | None:
    """"15m", "1h30m", "90s" or a number of seconds → seconds; None if it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    m = _DURATION.match(value)
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return h * 3600 + mi * 60 + s


@dataclass
class _Lines:
    """Where each table and key sits in the file, so errors can point at a line."""

    tables: dict[tuple[str, int], int] = field(default_factory=dict)
    keys: dict[tuple[str, int, str], int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> _Lines:
        lines = cls()
        section, index = "", 0
        counts: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            header = _HEADER.match(line)
            if header:
                section = header.group(2)
                if header.group(1) == "[[":
                    index = counts.get(section, 0)
                    counts[section] = index + 1
                else:
                    index = 0
                lines.tables[(section, index)] = number
                continue
            key = _KEY.match(line)
            if key:
                name = next(g for g in key.groups() if g)
                lines.keys.setdefault((section, index, name), number)
        return lines

    def of(self, section: str, index: int = 0, key: str | None = None) -> int:
        if key is not None and (section, index, key) in self.keys:
            return self.keys[(section, index, key)]
        return self.tables.get((section, index), 1)


_FEED_KEYS = {"name", "url", "side", "kind", "language", "tags", "interval", "enabled"}
_DEFAULT_KEYS = _FEED_KEYS - {"name", "url"}
_POLL_TYPES: dict[str, tuple[type, ...]] = {
    "concurrency": (int,),
    "per_host": (int,),
    "timeout": (int, float),
    "deadline": (int, float),
    "max_bytes": (int,),
    "max_redirects": (int,),
    "user_agent": (str,),
}
_POLL_RANGES: dict[str, tuple[float, float]] = {
    "concurrency": (1, 512),
    "per_host": (1, 64),
    "timeout": (1, 300),
    "deadline": (1, 3600),
    "max_bytes": (10_000, 200_000_000),
    "max_redirects": (0, 20),
}


class _Checker:
    def __init__(self, path: Path, lines: _Lines):
        self.path = path
        self.lines = lines
        self.problems: list[str] = []

    def problem(self, line: int, what: str, fix: str) -> None:
        self.problems.append(f"{self.path}:{line}: {what} — {fix}")

    def check_value(
        self, section: str, index: int, key: str, value: Any, label: str
    ) -> Any:
        """Check one feed/default value; return it normalised, or None after a problem."""
        line = self.lines.of(section, index, key)
        bad: Callable[[str], None] = lambda fix: self.problem(  # noqa: E731
            line, f"{label}: bad value {value!r} for '{key}'", fix
        )
        if key in ("name", "url", "language") and not (isinstance(value, str) and value.strip()):
            return bad(f"'{key}' must be a non-empty string in quotes")
        texts = value if key == "tags" and isinstance(value, list) else [value]
        if any(isinstance(t, str) and strip_controls(t) != t for t in texts):
            return bad(f"remove the control characters from '{key}' (they would reach the terminal)")
        if key == "url":
            url = safe_url(value.strip())
            if url is None:
                return bad("use an absolute http:// or https:// URL")
            return url
        if key == "side":
            if value not in SIDES:
                return bad("'side' must be one of: " + ", ".join(SIDES))
        elif key == "kind":
            if value not in KINDS:
                return bad("'kind' must be one of: " + ", ".join(KINDS))
        elif key == "tags":
            if not (isinstance(value, list) and all(isinstance(t, str) for t in value)):
                return bad('\'tags\' must be a list of strings, like tags = ["agency"]')
            return tuple(t.strip() for t in value if t.strip())
        elif key == "interval":
            if isinstance(value, int | float) and not isinstance(value, bool):
                # `interval = 15` meant minutes or seconds? Guessing wrong polls a publisher every 15 s.
                units = [f'"{value:g}{unit}" for {name}' for unit, name, size in _UNITS
                         if float(value).is_integer() and MIN_INTERVAL <= value * size <= MAX_INTERVAL]  # fmt: skip
                return bad(f"give {value:g} a unit: {' or '.join(units)}" if units else _DURATION_HINT)
            seconds = parse_duration(value)
            if seconds is None or not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
                return bad(_DURATION_HINT)
            return seconds
        elif key == "enabled":
            if not isinstance(value, bool):
                return bad("'enabled' must be true or false (no quotes)")
        elif key in ("name", "language"):
            return value.strip()
        return value


def load_config(path: str | Path) -> Config:
    """Read and validate feeds.toml. Raises ConfigError listing every problem found."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [f"{path}: file not found — create it (see the README) or pass --config FILE"]
        ) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read it ({exc.strerror}) — check the path and permissions"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start}) — save the file as UTF-8"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"{path}:{m.group(1)}" if m else str(path)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "invalid TOML"
        raise ConfigError(
            [f"{where}: invalid TOML: {reason} — check quotes, brackets and commas on that line"]
        ) from None
    return _validate(data, path, _Lines.scan(text))


def _validate(data: dict[str, Any], path: Path, lines: _Lines) -> Config:
    check = _Checker(path, lines)
    for key in data:
        if key not in ("feed", "defaults", "poll", "brief"):
            check.problem(
                lines.of(key, 0) if (key, 0) in lines.tables else lines.of("", 0, key),
                f"unknown table or key '{key}'",
                "the file holds [defaults], [poll], [brief] and [[feed]] tables only",
            )

    defaults: dict[str, Any] = {}
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        check.problem(lines.of("", 0, "defaults"), "'defaults' must be a table", "write it as [defaults]")
        raw_defaults = {}
    for key, value in raw_defaults.items():
        if key not in _DEFAULT_KEYS:
            check.problem(
                lines.of("defaults", 0, key),
                f"[defaults]: unknown key '{key}'",
                "allowed: " + ", ".join(sorted(_DEFAULT_KEYS)),
            )
            continue
        checked = check.check_value("defaults", 0, key, value, "[defaults]")
        if checked is not None:
            defaults[key] = checked

    poll = _validate_poll(data.get("poll", {}), check)

    feeds: list[FeedConfig] = []
    raw_feeds = data.get("feed", [])
    if not isinstance(raw_feeds, list):
        check.problem(lines.of("", 0, "feed"), "'feed' must be an array of tables", "write each feed as [[feed]]")
        raw_feeds = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, table in enumerate(raw_feeds):
        header = lines.of("feed", index)
        if not isinstance(table, dict):
            check.problem(header, "[[feed]] must be a table", "write each feed as [[feed]] with key = value lines")
            continue
        label = f"feed #{index + 1}" + (f" ({table['name']!r})" if isinstance(table.get("name"), str) else "")
        values: dict[str, Any] = dict(defaults)
        ok = True
        for key, value in table.items():
            if key not in _FEED_KEYS:
                check.problem(
                    lines.of("feed", index, key),
                    f"{label}: unknown key '{key}'",
                    "allowed: " + ", ".join(sorted(_FEED_KEYS)),
                )
                ok = False
                continue
            checked = check.check_value("feed", index, key, value, label)
            if checked is None:
                ok = False
            else:
                values[key] = checked
        for required in ("name", "url"):
            if required not in table:
                check.problem(header, f"{label}: missing '{required}'", f"add a line {required} = \"...\"")
                ok = False
        if not ok:
            continue
        canon = canonical_url(values["url"])
        if canon in seen_urls:
            check.problem(
                lines.of("feed", index, "url"),
                f"{label}: duplicate url {values['url']!r} (first at line {seen_urls[canon]})",
                "remove one of the two feeds",
            )
            continue
        if values["name"].casefold() in seen_names:
            check.problem(
                lines.of("feed", index, "name"),
                f"{label}: duplicate name (first at line {seen_names[values['name'].casefold()]})",
                "give each feed its own name",
            )
            continue
        seen_urls[canon] = lines.of("feed", index, "url")
        seen_names[values["name"].casefold()] = lines.of("feed", index, "name")
        feeds.append(FeedConfig(**values))

    brief = _validate_brief(data.get("brief", {}), check)
    if check.problems:
        raise ConfigError(check.problems)
    return Config(feeds=tuple(feeds), poll=poll, path=path, brief=brief)


def _validate_brief(raw: Any, check: _Checker) -> BriefSettings:
    if not isinstance(raw, dict):
        check.problem(check.lines.of("", 0, "brief"), "'brief' must be a table", "write it as [brief]")
        return BriefSettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = check.lines.of("brief", 0, key)
        if key not in ("timezone", "directory"):
            check.problem(line, f"[brief]: unknown key '{key}'", "allowed: directory, timezone")
        elif not isinstance(value, str) or not value.strip():
            check.problem(line, f"[brief]: bad value {value!r} for '{key}'", f"'{key}' must be a string in quotes")
        elif key == "timezone":
            try:
                zone(value)
            except BriefingError as exc:
                check.problem(line, f"[brief]: {exc}".split(" — ")[0], "use an IANA name such as Asia/Yerevan")
                continue
            values[key] = value
        else:
            values[key] = value
    return BriefSettings(**values)


def _validate_poll(raw: Any, check: _Checker) -> PollSettings:
    if not isinstance(raw, dict):
        check.problem(check.lines.of("", 0, "poll"), "'poll' must be a table", "write it as [poll]")
        return PollSettings()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(PollSettings)}
    for key, value in raw.items():
        line = check.lines.of("poll", 0, key)
        if key not in known:
            check.problem(line, f"[poll]: unknown key '{key}'", "allowed: " + ", ".join(sorted(known)))
            continue
        types = _POLL_TYPES[key]
        if key in ("timeout", "deadline") and isinstance(value, str):  # "30s", "2m", like interval
            seconds = parse_duration(value)
            if seconds is None:
                check.problem(line, f"[poll]: bad value {value!r} for '{key}'",
                              f'write seconds as a number ({key} = 30) or a duration like "30s" or "2m"')  # fmt: skip
                continue
            value = seconds
        if isinstance(value, bool) or not isinstance(value, types):
            kind = "a string in quotes" if str in types else "a number"
            check.problem(line, f"[poll]: bad value {value!r} for '{key}'", f"'{key}' must be {kind}")
            continue
        if key in _POLL_RANGES:
            low, high = _POLL_RANGES[key]
            if not low <= value <= high:
                check.problem(
                    line, f"[poll]: {key} = {value!r} is out of range", f"use a value from {low:g} to {high:g}"
                )
                continue
        if key == "user_agent" and not value.strip():
            check.problem(line, "[poll]: empty user_agent", "say who is polling, e.g. \"briefing/0.1 (you@desk)\"")
            continue
        values[key] = float(value) if key in ("timeout", "deadline") else value
    return PollSettings(**values)
