"""The Bot API connection on aiohttp instead of python-telegram-bot's default httpx.

PTB sends every Bot API call through a ``telegram.request.BaseRequest`` and documents it
as the place to plug in another asyncio HTTP library. Profiled under load (bench/e2e.py,
docs/BENCHMARKS.md), PTB's httpx → httpcore → anyio path was two thirds of the bot's CPU:
httpcore walks its whole connection pool, polling every idle socket, on each request
(encode/httpcore#1035). aiohttp's client with its C HTTP parser makes the same call,
through the same PTB ``Bot`` methods, for about a fifth of the CPU.

Semantics follow PTB's ``HTTPXRequest``: the same default timeouts and pool size,
``TimedOut`` for a timeout, ``NetworkError`` for a transport failure, and no error text
carries the request URL (it holds the bot token). aiohttp has no separate write
timeout: the sum of the four timeouts bounds a whole call instead.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# python-telegram-bot's DefaultValue marker, as its docs say to test it.
DEFAULT = BaseRequest.DEFAULT_NONE


class AiohttpRequest(BaseRequest):
    """One aiohttp session (a keep-alive connection pool) for Bot API calls."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # As httpx does: HTTP(S)_PROXY / NO_PROXY from the environment are obeyed,
                # so a bot deployed behind a proxy keeps working.
                trust_env=True,
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = DEFAULT,
        write_timeout: object = DEFAULT,
        connect_timeout: object = DEFAULT,
        pool_timeout: object = DEFAULT,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            body = aiohttp.FormData(fields or {})
            for name, (filename, content, mimetype) in files.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
        timeout = _timeout(
            read=_seconds(read_timeout, self._read),
            write=_seconds(write_timeout, self._media_write if files else self._write),
            connect=_seconds(connect_timeout, self._connect),
            pool=_seconds(pool_timeout, self._pool),
        )
        try:
            async with session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut(f"aiohttp.{type(err).__name__}") from err
        except aiohttp.ClientError as err:
            # Not chained: some aiohttp errors quote the URL, and the URL holds the token.
            raise NetworkError(f"aiohttp.{type(err).__name__}: {_without(url, err)}") from None


def _seconds(given: object, default: float | None) -> float | None:
    """A call's timeout: the instance's default when the call gave none; None is no limit."""
    value = default if given is DEFAULT else given
    return float(value) if isinstance(value, int | float) else None


def _timeout(
    *, read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """PTB's four timeouts in aiohttp's terms; ``None`` is no limit, as in PTB."""
    limits = [t for t in (read, write, connect, pool) if t is not None]
    return aiohttp.ClientTimeout(
        # Waiting for a pooled connection and opening one are one phase in aiohttp.
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
        # No write timeout in aiohttp: the four together bound the whole call.
        total=sum(limits) if len(limits) == 4 else None,
    )


def _without(url: str, err: BaseException) -> str:
    """The error's text with the request URL (which carries the token) cut out."""
    method = url.rsplit("/", 1)[-1]
    return str(err).replace(url, method)
