"""CPU per Bot API call: python-telegram-bot on httpx (its default) against aiohttp.

    .venv/bin/python -m bench.transport [--calls N] [--concurrency C] [--rounds R]

A stand-in Bot API server runs in a child process on 127.0.0.1 and answers every call
with the same question message (text and five buttons, as Clientwise sends). This
process sends ``--calls`` ``sendMessage`` calls through ``telegram.Bot`` — the same PTB
method, JSON and ``de_json`` either way — with ``--concurrency`` in flight, once with
PTB's ``HTTPXRequest`` (pool of 256, as ``ApplicationBuilder`` makes it) and once with
``bot.aiohttp_request.AiohttpRequest``, alternating for ``--rounds``. Prints calls/s and
this process's CPU per call (user + system) for each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import subprocess
import sys
import time

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import BaseRequest, HTTPXRequest

from bot.aiohttp_request import AiohttpRequest

TEXT = "3/12 ▰▰▰▱▱▱▱▱▱▱▱▱  How long do those agreements usually run? " * 2
LABELS = ["One job or project", "A few months", "A year or more", "Not sure", "⬅ Back"]


def _reply() -> bytes:
    buttons = [[{"text": t, "callback_data": f"3:o{i}:7"}] for i, t in enumerate(LABELS)]
    message = {
        "message_id": 5,
        "date": 1_700_000_000,
        "chat": {"id": 7, "type": "private", "first_name": "Ana"},
        "from": {"id": 1, "is_bot": True, "first_name": "Bot", "username": "bench_bot"},
        "text": TEXT,
        "reply_markup": {"inline_keyboard": buttons},
    }
    return json.dumps({"ok": True, "result": message}).encode()


def serve(port: int) -> None:
    from aiohttp import web

    body = _reply()

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def measure(request: BaseRequest, base_url: str, calls: int, concurrency: int) -> str:
    bot = Bot("1:bench", base_url=base_url, request=request)
    await request.initialize()
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=f"3:o{i}:7")] for i, t in enumerate(LABELS)]
    )
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await bot.send_message(7, TEXT, reply_markup=markup)

    try:
        await asyncio.gather(*(one() for _ in range(min(200, calls))))  # connections open
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        await asyncio.gather(*(one() for _ in range(calls)))
        after, seconds = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    finally:
        await request.shutdown()
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return f"{calls / seconds:7.0f} calls/s  {cpu / calls * 1000:6.3f} ms CPU/call"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.transport")
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "bench.transport", "--serve", str(port)])
    try:
        for _ in range(100):  # until it listens
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        base_url = f"http://127.0.0.1:{port}/bot"
        for _ in range(args.rounds):
            for name, request in (
                ("httpx (PTB default)", HTTPXRequest(connection_pool_size=256)),
                ("aiohttp (Clientwise)", AiohttpRequest(connection_pool_size=256)),
            ):
                line = asyncio.run(measure(request, base_url, args.calls, args.concurrency))
                print(f"{name:22s} {line}", flush=True)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
