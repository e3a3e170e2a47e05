"""When to poll next: a pure decision, tested without I/O."""

import random
from datetime import UTC, datetime

import pytest

from briefing.fetch.schedule import MAX_BACKOFF, next_poll_at
from briefing.models import Outcome

NOW = datetime(2023, 9, 19, 9, 0, tzinfo=UTC)


def delay(**kw) -> float:
    kw.setdefault("rng", random.Random(1))
    return (next_poll_at(NOW, **kw) - NOW).total_seconds()


def test_healthy_feed_comes_back_after_its_interval_with_jitter():
    delays = {delay(interval=900, outcome=Outcome.OK, rng=random.Random(seed)) for seed in range(50)}
    assert all(810 <= d <= 990 for d in delays) and len(delays) > 10


def test_publisher_hint_stretches_but_never_shortens():
    assert delay(interval=900, outcome=Outcome.OK, max_age=3600) >= 3600 * 0.9
    assert delay(interval=900, outcome=Outcome.NOT_MODIFIED, ttl=60) >= 900 * 0.9
    assert delay(interval=900, outcome=Outcome.OK, max_age=10**9) <= 6 * 3600 * 1.1


@pytest.mark.parametrize("failures", [1, 2, 3, 4, 5])
def test_failures_back_off_exponentially(failures):
    expected = 600 * 2 ** (failures - 1)
    got = delay(interval=600, outcome=Outcome.FAILED, consecutive_failures=failures)
    assert expected * 0.75 <= got <= expected * 1.25


def test_backoff_is_capped():
    assert delay(interval=600, outcome=Outcome.FAILED, consecutive_failures=50) <= MAX_BACKOFF * 1.25


def test_retry_after_wins_but_is_bounded():
    assert delay(interval=60, outcome=Outcome.FAILED, consecutive_failures=1, retry_after=7200) >= 7200
    assert delay(interval=60, outcome=Outcome.FAILED, consecutive_failures=1, retry_after=10**9) <= 24 * 3600
