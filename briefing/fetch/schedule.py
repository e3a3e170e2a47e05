"""When to poll a feed next. Pure: the decision over plain values, no clock, no I/O.

- A healthy feed comes back after its interval, ±10 % jitter so feeds do not bunch up.
- A publisher's hint (Cache-Control max-age, RSS <ttl>) may stretch that, within bounds;
  it never makes us poll more often than the configured interval.
- Retry-After (429/503) is obeyed, up to a day.
- A failing feed backs off exponentially (interval × 2^(failures-1), at most 6 h), with
  jitter, so a dead site is not hammered and a flaky one recovers quickly.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..models import Outcome

MAX_HINT = 6 * 3600
MAX_BACKOFF = 6 * 3600
MAX_RETRY_AFTER = 24 * 3600


def next_poll_at(
    now: datetime,
    *,
    interval: float,
    outcome: Outcome,
    consecutive_failures: int = 0,
    retry_after: float | None = None,
    max_age: float | None = None,
    ttl: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """`consecutive_failures` counts this poll too when it failed."""
    rng = rng or random
    if outcome is Outcome.FAILED:
        exponent = max(0, min(consecutive_failures - 1, 16))
        delay = min(interval * 2**exponent, max(MAX_BACKOFF, interval))
        delay *= rng.uniform(0.75, 1.25)
    else:
        hint = max(max_age or 0.0, ttl or 0.0)
        delay = min(max(interval, hint), max(MAX_HINT, interval))
        delay *= rng.uniform(0.9, 1.1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return now + timedelta(seconds=delay)
