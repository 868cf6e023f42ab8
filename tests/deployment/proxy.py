"""A forward proxy in a thread, counting what it carries: CONNECT tunnels (https) and
requests in absolute form (plain http), as HTTPS_PROXY and HTTP_PROXY point clients."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from urllib.parse import urlsplit


class ForwardProxy:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()  # "CONNECT host:port", "GET http://host:port"
        self.url = ""
        self._started = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        self._started.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._done.set)
        self._thread.join(5)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._done = asyncio.Event()
        async with await asyncio.start_server(self._client, "127.0.0.1", 0) as server:
            self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            self._started.set()
            await self._done.wait()  # asyncio.run then cancels the tunnels still open

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, ValueError):
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                self.seen[f"CONNECT {target}"] += 1
                upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:  # absolute form: passed on as it is, which an origin server accepts
                parts = urlsplit(target)
                self.seen[f"{method} {parts.scheme}://{parts.netloc}"] += 1
                assert parts.hostname is not None and parts.port is not None
                upstream_reader, upstream_writer = await asyncio.open_connection(
                    parts.hostname, parts.port
                )
                upstream_writer.write(head)
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    finally:
        sink.close()
