"""Times as people type them: "6h", "2d", "2023-09-19", "2023-09-19T06:00", "06:00".

Shared by the CLI, the filter language and the brief. Dates and times without a zone are in
the reader's zone (`tz`), and everything comes back as an aware UTC datetime.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BriefingError

_RELATIVE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.I)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class TimeSpecError(BriefingError):
    pass


def local_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def zone(name: str | None) -> tzinfo:
    """An IANA zone by name (Asia/Yerevan), or the machine's local zone for None."""
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeSpecError(
            f"unknown time zone {name!r} — use an IANA name such as Asia/Yerevan, Asia/Baku or UTC"
        ) from None


def parse_time(text: str, *, now: datetime | None = None, tz: tzinfo | None = None, what: str = "time") -> datetime:
    """`text` as an aware UTC datetime. Relative forms count back from `now`."""
    try:
        return _parse_time(text, now=now, tz=tz, what=what)
    except OverflowError:  # 999999999d, 9999-12-31 in a zone east of UTC, 0001-01-01 west of it
        raise TimeSpecError(
            f"{what} {text!r} is out of range — use a nearer date"
        ) from None


def _parse_time(text: str, *, now: datetime | None, tz: tzinfo | None, what: str) -> datetime:
    now = now or datetime.now(UTC)
    tz = tz or local_zone()
    value = text.strip()
    m = _RELATIVE.match(value)
    if m:
        return now - timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2).lower()])
    if value.lower() == "today":
        return datetime.combine(now.astimezone(tz).date(), time(), tz).astimezone(UTC)
    if value.lower() == "yesterday":
        day = now.astimezone(tz).date() - timedelta(days=1)
        return datetime.combine(day, time(), tz).astimezone(UTC)
    if re.fullmatch(r"\d{1,2}:\d{2}", value):
        hour, minute = (int(p) for p in value.split(":"))
        if hour < 24 and minute < 60:
            return datetime.combine(now.astimezone(tz).date(), time(hour, minute), tz).astimezone(UTC)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.combine(date.fromisoformat(value), time(), tz).astimezone(UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise TimeSpecError(
            f"cannot read {what} {text!r} — write 6h, 2d, today, 06:00, 2023-09-19 or 2023-09-19T06:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)
