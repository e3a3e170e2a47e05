"""A real HTTP server on 127.0.0.1 for tests: routes answer with canned or computed responses.

A route is a function taking the request handler and returning a Response. Bodies can be
bytes or an iterable of chunks (sent with chunked encoding, optionally with a pause between
chunks, for trickling servers). Every request is recorded, so tests can assert what was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.0  # seconds between chunks when body is an iterable


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


Route = Callable[[Request], Response]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # clients that hang up early are what these tests are about


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, route: Route | Response) -> str:
        self.routes[path] = route if callable(route) else (lambda _req, r=route: r)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(request)
                route = server.routes.get(self.path.split("?", 1)[0])
                response = route(request) if route else Response(404, b"not found")
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                try:
                    if isinstance(response.body, bytes):
                        if "Content-Length" not in response.headers:
                            self.send_header("Content-Length", str(len(response.body)))
                        self.end_headers()
                        self.wfile.write(response.body)
                        return
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in response.body:
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                        if response.pause:
                            time.sleep(response.pause)
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up, as a capped or deadlined client should

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def rss(*items: str, title: str = "Test feed", extra: str = "") -> bytes:
    """A small RSS 2.0 document from raw <item> bodies."""
    body = "".join(f"<item>{i}</item>" for i in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link><description>t</description>"
        f"{extra}{body}</channel></rss>"
    ).encode()


def item(guid: str, title: str, *, link: str | None = None, summary: str = "", date: str = "") -> str:
    parts = [f"<guid>{guid}</guid>", f"<title>{title}</title>"]
    if link:
        parts.append(f"<link>{link}</link>")
    if summary:
        parts.append(f"<description>{summary}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "".join(parts)
