"""A webhook receiver on loopback that notes when each event's call arrives, by the event's
log position (the CloudEvent's ``sequence``), on this process's monotonic clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

HOST = "127.0.0.1"


@dataclass
class Arrivals:
    url: str = ""
    first: dict[int, float] = field(default_factory=dict)  # log position -> arrival
    duplicates: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, position: int, arrived: float) -> None:
        with self._lock:
            if position in self.first:
                self.duplicates += 1
            else:
                self.first[position] = arrived

    def count_after(self, position: int) -> int:
        with self._lock:
            return sum(1 for arrived_position in self.first if arrived_position > position)


@contextmanager
def webhook_receiver() -> Iterator[Arrivals]:
    arrivals = Arrivals()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # the notifier's client keeps its connection open

        def do_POST(self) -> None:
            arrived = time.monotonic()  # the request line and headers are in
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrivals.note(int(orjson.loads(body)["sequence"]), arrived)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer((HOST, 0), Handler)
    arrivals.url = f"http://{HOST}:{server.server_address[1]}/aduan-events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield arrivals
    finally:
        server.shutdown()
        server.server_close()
