"""A small HTTP server on 127.0.0.1 that stands in for arXiv, the DOI resolver and a chat webhook in tests."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).with_name("fixtures")


@dataclass
class Reply:
    status: int = 200
    body: bytes | Callable[[], bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # send the body one byte every `drip` seconds


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


class FakeServer:
    """Routes map (method, path) to a list of replies, served in turn (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[Seen] = []
        self.match: Callable[[Seen], list[Reply] | None] | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(method, url.path, parse_qs(url.query), dict(self.headers),
                            self.rfile.read(length) if length else b"", time.time())
                server.requests.append(seen)
                replies = (server.match(seen) if server.match else None) or server.routes.get((method, url.path))
                if not replies:
                    self.send_response(404)
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body() if callable(reply.body) else reply.body
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if reply.drip:
                        for index in range(len(body)):
                            self.wfile.write(body[index:index + 1])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                            if index > 40:  # enough to outlast any client deadline; the test ends the rest
                                break
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a reply still hanging on purpose must not hold up the test
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, *replies: Reply, method: str = "GET") -> None:
        self.routes[(method, path)] = list(replies)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
