"""bot/aiohttp_request.py: the Bot API connection keeps python-telegram-bot's contract.

The whole Telegram suite runs through it against the local fake Bot API server; these
tests pin what that suite does not reach: timeouts and their per-call overrides, a
refused connection, uploads, and that no error text carries the token.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.aiohttp_request import AiohttpRequest

TOKEN = "123456:SECRET-token-never-shown"


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[web.Request], dict[str, object]]]:
    """A Bot API stand-in: getMe answers, ``hang`` never does, uploads are kept."""
    seen: list[web.Request] = []
    uploads: dict[str, object] = {}
    never = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        seen.append(request)
        method = request.match_info["method"]
        if method == "hang":
            await never.wait()
        form = await request.post()
        for key, value in form.items():
            is_file = isinstance(value, web.FileField)
            uploads[key] = (value.filename, value.file.read()) if is_file else value
        if method == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "T", "username": "t_bot"}
            return web.json_response({"ok": True, "result": me})
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/bot", seen, uploads
    never.set()
    await runner.cleanup()


async def test_calls_go_through_with_the_user_agent(server: tuple[str, list, dict]) -> None:
    base, seen, _ = server
    async with Bot(TOKEN, base_url=base, request=AiohttpRequest()) as bot:
        assert bot.username == "t_bot"
    assert seen and "python-telegram-bot" in seen[0].headers["User-Agent"]


async def test_files_are_uploaded_as_multipart(server: tuple[str, list, dict]) -> None:
    base, _, uploads = server
    request = AiohttpRequest()
    async with Bot(TOKEN, base_url=base, request=request) as bot:
        await bot.send_document(7, b"col1,col2\n", filename="x.csv", caption="rows")
    assert uploads["document"] == ("x.csv", b"col1,col2\n")
    assert uploads["caption"] == "rows" and uploads["chat_id"] == "7"


async def test_a_per_call_read_timeout_overrides_no_default_limit(
    server: tuple[str, list, dict],
) -> None:
    base, _, _ = server
    async with AiohttpRequest(read_timeout=None) as request:  # without the override: waits forever
        with pytest.raises(TimedOut):
            await asyncio.wait_for(
                request.post(f"{base}{TOKEN}/hang", read_timeout=0.2), timeout=10
            )


async def test_the_default_read_timeout_applies(server: tuple[str, list, dict]) -> None:
    base, _, _ = server
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await asyncio.wait_for(request.post(f"{base}{TOKEN}/hang"), timeout=10)


async def test_a_refused_connection_is_a_network_error_without_the_token() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(caught.value, TimedOut)
    text = f"{caught.value} {caught.value.__cause__}"
    assert "aiohttp." in str(caught.value) and "SECRET" not in str(caught.value), text


async def test_an_unusable_url_error_does_not_quote_the_token() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"nope://127.0.0.1/bot{TOKEN}/getMe")
    # Nor its cause: aiohttp's own error quotes the URL.
    assert "SECRET" not in f"{caught.value} {caught.value.__cause__!r}"


async def test_a_request_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/botX/getMe", "POST")


async def test_a_proxy_from_the_environment_is_used_as_httpx_would(
    server: tuple[str, list, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stand-in server plays the proxy: the request for an unresolvable host reaches
    # it only through HTTP_PROXY.
    base, seen, _ = server
    proxy = base.removesuffix("/bot")
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    async with AiohttpRequest() as request:
        await request.post(f"http://api.telegram.invalid/bot{TOKEN}/getMe")
    assert seen and seen[-1].path == f"/bot{TOKEN}/getMe"
