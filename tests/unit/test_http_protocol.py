"""The server's transport: what a connection writes in one turn of the loop is sent as one."""

from __future__ import annotations

import asyncio

from services.api.http_protocol import CoalescingTransport


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.sent.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def test_a_head_and_body_written_in_one_turn_are_sent_once_at_its_end() -> None:
    async def respond() -> tuple[list[bytes], list[bytes]]:
        fake = FakeTransport()
        transport = CoalescingTransport(fake, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 201 Created\r\n\r\n")
        transport.write(b"{}")
        during = list(fake.sent)
        await asyncio.sleep(0)
        return during, fake.sent

    during, after = asyncio.run(respond())
    assert during == []
    assert after == [b"HTTP/1.1 201 Created\r\n\r\n{}"]


def test_writes_of_later_turns_are_sent_in_order() -> None:
    async def respond() -> list[bytes]:
        fake = FakeTransport()
        transport = CoalescingTransport(fake, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await asyncio.sleep(0)
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        await asyncio.sleep(0)
        return fake.sent

    assert asyncio.run(respond()) == [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 200 OK\r\n\r\n"]


def test_closing_sends_what_is_held_first() -> None:
    async def respond() -> FakeTransport:
        fake = FakeTransport()
        transport = CoalescingTransport(fake, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        transport.close()
        await asyncio.sleep(0)
        return fake

    fake = asyncio.run(respond())
    assert (fake.sent, fake.closed) == ([b"HTTP/1.1 400 Bad Request\r\n\r\n"], True)
