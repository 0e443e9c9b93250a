"""File downloads that an ASGI server streams without holding them in memory.

Django's FileResponse reads its file through a synchronous iterator. Served over ASGI
(uvicorn runs Kefu), Django cannot iterate that from the event loop, so it warns
("StreamingHttpResponse must consume synchronous iterators …") and reads the whole file
into a list in a worker thread before sending a byte: a 10 MiB attachment is 10 MiB of
memory per download. FileStream reads block by block in a worker thread instead, and
stays an ordinary FileResponse for the WSGI test client.
"""

from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import FileResponse


class FileStream(FileResponse):
    # Each block is one hop to a worker thread: large enough that the hop costs little.
    block_size = 64 * 1024

    async def __aiter__(self) -> AsyncIterator[bytes]:
        source = self.file_to_stream
        if source is None:
            # No file (a HEAD or 304 answer): the content is a small in-memory iterable.
            for part in self.streaming_content:  # type: ignore[union-attr]
                yield part
            return
        read = sync_to_async(source.read, thread_sensitive=False)
        while chunk := await read(self.block_size):
            yield self.make_bytes(chunk)


class StaticFileStream(FileStream):
    """For WhiteNoise, which sets every header itself (as its own FileResponse does)."""

    def set_headers(self, filelike: Any) -> None:
        pass
