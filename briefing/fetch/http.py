"""Conditional GET of one feed, with the caps httpx does not give us.

httpx's timeouts are per read, so a server that trickles one byte a second never times out;
and httpx decodes gzip without a size limit (a 200 KB bomb becomes 200 MB). So we:

- wrap the whole fetch, body included, in one deadline;
- read the raw bytes and decompress them ourselves, counting *decoded* bytes against a cap;
- refuse stacked or unknown content codings;
- follow at most a few redirects by hand, http/https only, noting whether all were permanent.
"""

from __future__ import annotations

import asyncio
import functools
import re
import ssl
import time
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from ..models import FetchResult, Outcome, PollSettings
from ..text import safe_url

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PERMANENT = {301, 308}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.I)


class _TooLarge(Exception):
    pass


class _Fail(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def make_client(settings: PollSettings, *, max_connections: int | None = None, verify=True) -> httpx.AsyncClient:
    """A client with our User-Agent, timeouts and no automatic redirects."""
    connections = max_connections or settings.concurrency
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
        verify=verify,
    )


class HostClients:
    """One small connection pool per host, sharing one TLS context.

    httpcore scans every pooled connection (a syscall each) whenever it assigns a request, so
    one pool for hundreds of feeds costs O(connections × requests); a pool per host keeps
    each scan to the per-host cap, which is also the politeness limit we want.
    """

    def __init__(self, settings: PollSettings):
        self.settings = settings
        self._clients: dict[str, httpx.AsyncClient] = {}

    def for_url(self, url: str) -> httpx.AsyncClient:
        host = host_key(url)
        client = self._clients.get(host)
        if client is None:
            client = make_client(self.settings, max_connections=self.settings.per_host, verify=shared_tls())
            self._clients[host] = client
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def __aenter__(self) -> HostClients:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


@functools.cache
def shared_tls() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs ~0.1 s, and `watch` and the
    dashboard poll again and again in the same process."""
    return httpx.create_ssl_context()


def host_key(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: PollSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch `url` once. Never raises for network or server trouble: failures are results."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(settings.deadline):
            result = await _fetch(client, url, settings, etag, last_modified)
    except TimeoutError:
        result = FetchResult(
            Outcome.FAILED, error=f"no complete answer within {settings.deadline:g} s (deadline)"
        )
    except _Fail as exc:
        result = FetchResult(Outcome.FAILED, status=exc.status, error=str(exc))
    except httpx.TimeoutException:
        result = FetchResult(Outcome.FAILED, error=f"timed out (no data for {settings.timeout:g} s)")
    except httpx.HTTPError as exc:
        result = FetchResult(Outcome.FAILED, error=_describe(exc))
    except (OSError, ValueError) as exc:  # socket errors, bad headers
        result = FetchResult(Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
    return _with_elapsed(result, time.monotonic() - started)


def _with_elapsed(result: FetchResult, elapsed: float) -> FetchResult:
    from dataclasses import replace

    return replace(result, elapsed=elapsed)


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: PollSettings,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    headers = {"Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    all_permanent = True
    seen = {url}
    for _hop in range(settings.max_redirects + 1):
        request = client.build_request("GET", current, headers=headers)
        response = await client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                target = safe_url(location, base=current)
                if target is None:
                    raise _Fail(f"redirect to an unusable location {location!r}", response.status_code)
                if target in seen:
                    raise _Fail(f"redirect loop at {target}", response.status_code)
                seen.add(target)
                all_permanent &= response.status_code in _PERMANENT
                current = target
                continue
            return await _finish(response, settings, current if current != url and all_permanent else None)
        finally:
            await response.aclose()
    raise _Fail(f"more than {settings.max_redirects} redirects")


async def _finish(
    response: httpx.Response, settings: PollSettings, permanent_url: str | None
) -> FetchResult:
    status = response.status_code
    h = response.headers
    common = dict(
        status=status,
        retry_after=parse_retry_after(h.get("retry-after")),
        max_age=parse_max_age(h.get("cache-control")),
        permanent_url=permanent_url,
    )
    if status == 304:
        return FetchResult(
            Outcome.NOT_MODIFIED, etag=h.get("etag"), last_modified=h.get("last-modified"), **common
        )
    if status == 410:
        return FetchResult(Outcome.FAILED, error="gone (HTTP 410): the publisher removed this feed", **common)
    if status == 429:
        return FetchResult(Outcome.FAILED, error="rate limited (HTTP 429)", **common)
    if status >= 400 or status < 200:
        return FetchResult(Outcome.FAILED, error=f"HTTP {status} {response.reason_phrase}".strip(), **common)
    declared = h.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
        raise _Fail(f"too large: {int(declared):,} bytes declared (cap {settings.max_bytes:,})", status)
    body = await _read_body(response, settings.max_bytes)
    return FetchResult(
        Outcome.OK,
        body=body,
        content_type=h.get("content-type"),
        content_language=h.get("content-language"),
        etag=h.get("etag"),
        last_modified=h.get("last-modified"),
        **common,
    )


async def _read_body(response: httpx.Response, cap: int) -> bytes:
    """Raw bytes → decoded bytes, stopping as soon as the decoded size passes `cap`."""
    codings = [
        c.strip().lower()
        for c in response.headers.get("content-encoding", "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if len(codings) > 1:
        raise _Fail(f"refused stacked content encodings: {', '.join(codings)}", response.status_code)
    decoder = None
    if codings:
        if codings[0] in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(wbits=47)  # gzip or zlib header
        elif codings[0] == "deflate":
            decoder = _Deflate()
        else:
            raise _Fail(f"unsupported content encoding {codings[0]!r}", response.status_code)
    chunks: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            if decoder is None:
                data = raw
            else:
                data = decoder.decompress(raw, cap + 1 - size)
                if decoder.unconsumed_tail:
                    raise _TooLarge
            size += len(data)
            if size > cap:
                raise _TooLarge
            chunks.append(data)
        if decoder is not None:
            tail = decoder.flush()
            size += len(tail)
            if size > cap:
                raise _TooLarge
            chunks.append(tail)
    except _TooLarge:
        raise _Fail(f"too large: more than {cap:,} bytes after decoding", response.status_code) from None
    except zlib.error as exc:
        raise _Fail(f"corrupt compressed body ({exc})", response.status_code) from None
    return b"".join(chunks)


class _Deflate:
    """`deflate` is zlib-wrapped by the spec and raw deflate in practice; accept both."""

    def __init__(self) -> None:
        self._inner: zlib._Decompress | None = None  # type: ignore[name-defined]
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._inner = zlib.decompressobj()
            try:
                out = self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inner.decompress(data, max_length)
        else:
            out = self._inner.decompress(data, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out

    def flush(self) -> bytes:
        return self._inner.flush() if self._inner else b""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_max_age(value: str | None) -> float | None:
    if not value:
        return None
    if "no-store" in value.lower() or "no-cache" in value.lower():
        return 0.0
    m = _MAX_AGE.search(value)
    return float(m.group(1)) if m else None


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"{type(exc).__name__}: {text}"
