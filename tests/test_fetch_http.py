"""The network half, against a real HTTP server on 127.0.0.1 (hostile-feeds rows 9–12)."""

from __future__ import annotations

import gzip
import resource
import time
import zlib

import pytest
from loopback import Request, Response, rss

from briefing.fetch.http import fetch, make_client, parse_max_age, parse_retry_after
from briefing.models import Outcome, PollSettings

SETTINGS = PollSettings(timeout=5, deadline=5, max_bytes=1_000_000)


async def get(url: str, settings: PollSettings = SETTINGS, **kw):
    async with make_client(settings) as client:
        return await fetch(client, url, settings, **kw)


async def test_ok_returns_body_and_validators(server):
    body = rss("<title>x</title><guid>1</guid>")
    url = server.route("/f", Response(200, body, {"ETag": '"v1"', "Last-Modified": "Tue, 19 Sep 2023 09:00:00 GMT",
                                                  "Content-Type": "application/rss+xml; charset=utf-8"}))
    result = await get(url)
    assert result.outcome is Outcome.OK
    assert result.body == body
    assert result.etag == '"v1"' and result.last_modified.startswith("Tue")
    assert result.content_type.startswith("application/rss+xml")
    assert server.requests[0].headers["user-agent"].startswith("briefing/")


async def test_conditional_get_sends_validators_and_handles_304(server):
    def route(req: Request) -> Response:
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, rss(), {"ETag": '"v1"'})

    url = server.route("/f", route)
    result = await get(url, etag='"v1"', last_modified="Tue, 19 Sep 2023 09:00:00 GMT")
    assert result.outcome is Outcome.NOT_MODIFIED
    assert server.requests[0].headers["if-modified-since"] == "Tue, 19 Sep 2023 09:00:00 GMT"


async def test_429_reports_retry_after(server):
    url = server.route("/f", Response(429, b"slow down", {"Retry-After": "120"}))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and result.status == 429
    assert result.retry_after == 120
    assert "429" in result.error


async def test_server_error_is_a_failed_result(server):
    result = await get(server.route("/f", Response(503, b"", {"Retry-After": "30"})))
    assert result.outcome is Outcome.FAILED and result.retry_after == 30 and "503" in result.error


async def test_connection_refused_is_a_failed_result():
    result = await get("http://127.0.0.1:9/feed")
    assert result.outcome is Outcome.FAILED and "connect" in result.error


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def test_gzip_bomb_stops_at_the_cap(server):
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 KB on the wire
    url = server.route("/bomb", Response(200, bomb, {"Content-Encoding": "gzip"}))
    before = _peak_rss_mb()
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "too large" in result.error
    assert _peak_rss_mb() - before < 100


async def test_stacked_encodings_are_refused(server):
    double = gzip.compress(gzip.compress(b"\0" * 50_000_000))
    url = server.route("/double", Response(200, double, {"Content-Encoding": "gzip, gzip"}))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "stacked" in result.error


async def test_deflate_raw_and_zlib_both_decode(server):
    body = rss("<title>deflated</title><guid>1</guid>")
    raw = zlib.compressobj(wbits=-15)
    url1 = server.route("/raw", Response(200, raw.compress(body) + raw.flush(), {"Content-Encoding": "deflate"}))
    url2 = server.route("/zlib", Response(200, zlib.compress(body), {"Content-Encoding": "deflate"}))
    assert (await get(url1)).body == body
    assert (await get(url2)).body == body


async def test_endless_chunked_body_stops_at_the_cap(server):
    endless = (b"x" * 65536 for _ in range(10_000))  # 650 MB if read to the end
    url = server.route("/endless", Response(200, endless))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "too large" in result.error


async def test_large_declared_length_is_refused_before_reading(server):
    url = server.route("/big", Response(200, b"x" * 2_000_000))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "declared" in result.error


async def test_sixty_megabyte_body_is_refused_with_default_cap(server):
    url = server.route("/sixty", Response(200, (b"<" * 1_000_000 for _ in range(60))))
    settings = PollSettings(timeout=5, deadline=10)  # default 10 MB cap
    result = await get(url, settings)
    assert result.outcome is Outcome.FAILED and "too large" in result.error


async def test_trickling_server_hits_the_total_deadline(server):
    url = server.route("/trickle", Response(200, (b"<" for _ in range(100)), pause=0.2))
    settings = PollSettings(timeout=5, deadline=1.0)
    started = time.monotonic()
    result = await get(url, settings)
    assert result.outcome is Outcome.FAILED and "deadline" in result.error
    assert time.monotonic() - started < 3


async def test_redirect_loop_is_reported(server):
    url = server.route("/loop", Response(302, b"", {"Location": "/loop2"}))
    server.route("/loop2", Response(302, b"", {"Location": "/loop"}))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "loop" in result.error


async def test_too_many_redirects(server):
    for i in range(10):
        server.route(f"/r{i}", Response(302, b"", {"Location": f"/r{i + 1}"}))
    result = await get(server.url("/r0"))
    assert result.outcome is Outcome.FAILED and "redirects" in result.error


async def test_redirect_to_non_http_is_refused(server):
    url = server.route("/evil", Response(302, b"", {"Location": "file:///etc/passwd"}))
    result = await get(url)
    assert result.outcome is Outcome.FAILED and "redirect" in result.error


async def test_permanent_redirect_chain_reports_new_url(server):
    server.route("/new", Response(200, rss()))
    url = server.route("/old", Response(301, b"", {"Location": "/new"}))
    result = await get(url)
    assert result.outcome is Outcome.OK and result.permanent_url == server.url("/new")


async def test_temporary_hop_in_chain_keeps_old_url(server):
    server.route("/final", Response(200, rss()))
    server.route("/tmp", Response(302, b"", {"Location": "/final"}))
    url = server.route("/moved", Response(308, b"", {"Location": "/tmp"}))
    result = await get(url)
    assert result.outcome is Outcome.OK and result.permanent_url is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), ("0", 0.0), (None, None), ("soon", None)],
)
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    from datetime import UTC, datetime

    now = datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
    assert parse_retry_after("Tue, 19 Sep 2023 09:10:00 GMT", now) == 600


def test_parse_max_age():
    assert parse_max_age("public, max-age=3600") == 3600
    assert parse_max_age("no-cache") == 0
    assert parse_max_age(None) is None


async def test_stalled_server_hits_the_deadline(server):
    def stall(_req):
        time.sleep(3)
        return Response(200, rss())

    url = server.route("/stall", stall)
    started = time.monotonic()
    result = await get(url, PollSettings(timeout=10, deadline=1.0))
    assert result.outcome is Outcome.FAILED and "deadline" in result.error
    assert time.monotonic() - started < 2.5
