"""Webhook signatures: HMAC-SHA256 over the timestamp, a dot and the exact body bytes.

A call carries ``X-Aduan-Timestamp: <unix seconds>`` and ``X-Aduan-Signature:
sha256=<hex>``; the receiver recomputes the HMAC with the shared secret over
``<timestamp>.<body>``, compares in constant time, and refuses timestamps older than a few
minutes, so a captured call cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Aduan-Signature"
TIMESTAMP_HEADER = "X-Aduan-Timestamp"
SCHEME = "sha256="


def signed_content(timestamp: int, body: bytes) -> bytes:
    return f"{timestamp}.".encode() + body


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), signed_content(timestamp, body), hashlib.sha256)
    return SCHEME + digest.hexdigest()


def verify(
    secret: str, timestamp: int, body: bytes, signature: str, now: float, tolerance: float = 300
) -> bool:
    """Whether ``signature`` is ours for this body and the timestamp is recent."""
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
