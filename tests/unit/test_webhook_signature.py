"""Webhook signatures: HMAC-SHA256 over the timestamp and the body, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac

from infra.webhook_signature import sign, verify
from services.notifications.masking import mask

SECRET = "s" * 32
BODY = b'{"id":"e-1","type":"aduan.complaint.Filed"}'


def test_the_signature_is_the_hmac_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1764000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1764000000, BODY) == f"sha256={expected}"


def test_a_fresh_signed_call_verifies() -> None:
    assert verify(SECRET, 1764000000, BODY, sign(SECRET, 1764000000, BODY), now=1764000010)


def test_a_changed_body_or_another_secret_does_not_verify() -> None:
    signature = sign(SECRET, 1764000000, BODY)
    assert not verify(SECRET, 1764000000, BODY + b" ", signature, now=1764000000)
    assert not verify("t" * 32, 1764000000, BODY, signature, now=1764000000)


def test_a_replayed_call_with_an_old_timestamp_does_not_verify() -> None:
    signature = sign(SECRET, 1764000000, BODY)
    assert not verify(SECRET, 1764000000, BODY, signature, now=1764000000 + 301)
    assert not verify(SECRET, 1764000301, BODY, signature, now=1764000301)


def test_masked_addresses_keep_just_enough_to_tell_them_apart() -> None:
    assert mask("siti@example.id") == "s***@example.id"
    assert mask("081234567890") == "*********890"
