"""A tiny, fast HTTP target for load-engine tests: answers "ok", and can stall once.

    python load_target.py PORT [STALL_AFTER STALL_SECONDS]

With a stall, every answer due in the window [STALL_AFTER, STALL_AFTER + STALL_SECONDS)
(seconds after the first request) waits until the window closes: a one-off pause of
the whole server, as a GC or a disk hiccup would make.
"""

from __future__ import annotations

import asyncio
import sys
import time

import httptools
import uvloop

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


class Target(asyncio.Protocol):
    first: float | None = None
    stall_after: float | None = None
    stall_seconds: float = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        now = time.monotonic()
        if Target.first is None:
            Target.first = now
        delay = 0.0
        if Target.stall_after is not None:
            start = Target.first + Target.stall_after
            if start <= now < start + Target.stall_seconds:
                delay = start + Target.stall_seconds - now
        if delay:
            asyncio.get_running_loop().call_later(delay, self.answer)
        else:
            self.transport.write(RESPONSE)

    def answer(self) -> None:
        if not self.transport.is_closing():  # the client may have given up meanwhile
            self.transport.write(RESPONSE)


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Target, "127.0.0.1", port)
    print("ready", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) > 3:
        Target.stall_after, Target.stall_seconds = float(sys.argv[2]), float(sys.argv[3])
    uvloop.run(main(int(sys.argv[1])))
