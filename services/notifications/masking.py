"""Addresses shown to those who may not see them in full: enough to tell two apart."""

from __future__ import annotations


def mask(address: str) -> str:
    """``siti@example.id`` → ``s***@example.id``; ``081234567890`` → ``*********890``."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(address) - 3, 0) + address[-3:]
