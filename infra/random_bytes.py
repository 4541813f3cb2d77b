"""Random bytes from the operating system's generator (``os.urandom``), drawn a block at a time.

Filing a complaint needs random bytes six times (access token, tracking number, id, key
reference, key, nonce). Each ``os.urandom`` call lets go of the interpreter lock, and in a
busy server the request thread then waits up to a switch interval to take it back, behind
the commit and projection threads. Drawing 4 KiB at once makes that one wait for about
forty filings. The bytes are the kernel's, each handed out once; a forked child starts
with an empty block, so parent and child never hand out the same bytes.
"""

from __future__ import annotations

import base64
import os
import threading

BLOCK_BYTES = 4096


class _Block:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bytes = b""
        self._taken = 0

    def take(self, count: int) -> bytes:
        if count > BLOCK_BYTES:
            return os.urandom(count)
        with self._lock:
            if self._taken + count > len(self._bytes):
                self._bytes, self._taken = os.urandom(BLOCK_BYTES), 0
            start, self._taken = self._taken, self._taken + count
            return self._bytes[start : self._taken]

    def forget(self) -> None:
        self._lock = threading.Lock()
        self._bytes, self._taken = b"", 0


_block = _Block()
os.register_at_fork(after_in_child=_block.forget)


def random_bytes(count: int) -> bytes:
    return _block.take(count)


def random_bits(count: int) -> int:
    """A random non-negative integer below ``2 ** count``."""
    drawn = int.from_bytes(random_bytes((count + 7) // 8), "big")
    return drawn >> (-count % 8)


def random_token(count: int) -> str:
    """``count`` random bytes as URL-safe base64 without padding (``secrets.token_urlsafe``)."""
    return base64.urlsafe_b64encode(random_bytes(count)).rstrip(b"=").decode("ascii")
