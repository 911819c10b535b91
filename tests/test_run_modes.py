"""The bot as a real process: webhook mode (secret header checked) and SIGTERM shutdown."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.processes import ROOT, clean_env

SECRET = "hook-secret-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(base_url: str, db: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, CLIENTWISE_DB=str(db), **extra
    )


async def _wait_for(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), timeout=20)


@asynccontextmanager
async def bot_process(
    fake: FakeTelegram, env: dict[str, str], *args: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot *args`` as a child process; killed if a test leaves it running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_webhook_mode_checks_the_secret_and_answers(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = _env(
        base_url, tmp_path / "bot.db", WEBHOOK_URL=hook, WEBHOOK_SECRET=SECRET, PORT=str(port)
    )
    async with bot_process(fake, env, "run", "--mode", "webhook") as process:
        await _wait_for(lambda: fake.method_calls("setWebhook"), "setWebhook")
        registered = fake.method_calls("setWebhook")[0]
        assert registered["url"] == hook and registered["secret_token"] == SECRET
        user = FakeTelegram.user(31, "Ayşe")
        update = {
            "update_id": 1,
            **fake.message_update(
                user, text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}]
            ),
        }
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # the listener may need a moment after setWebhook
                try:
                    async with http.post(
                        hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                    ) as refused:
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            assert refused.status == 403
            async with http.post(
                hook,
                data=json.dumps(update),
                headers={
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                    "Content-Type": "application/json",
                },
            ) as accepted:
                assert accepted.status == 200
        await _wait_for(lambda: fake.chat_messages(31), "the welcome message")
        assert "Hi Ayşe!" in fake.chat_messages(31)[0].text
        assert await _stop(process) == 0
        stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert TOKEN not in stderr and SECRET not in stderr


async def test_polling_mode_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    fake = FakeTelegram()
    env = _env(await fake.start(), tmp_path / "bot.db")
    async with bot_process(fake, env, "run", "--mode", "polling") as process:
        user = FakeTelegram.user(32, "Ion")
        await _wait_for(lambda: fake.method_calls("getUpdates"), "polling to start")
        fake.send_text(user, "/start")
        await _wait_for(lambda: fake.chat_messages(32), "the welcome message")
        assert await _stop(process) == 0
        stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert "Traceback" not in stderr and TOKEN not in stderr


async def test_rejected_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    fake = FakeTelegram()  # knows only TOKEN: any other token gets 401 Unauthorized
    wrong = "999999:WRONG-but-well-formed-token_x"
    env = {**_env(await fake.start(), tmp_path / "bot.db"), "TELEGRAM_BOT_TOKEN": wrong}
    async with bot_process(fake, env) as process:
        assert await asyncio.wait_for(process.wait(), timeout=30) == 2
        text = (await process.stderr.read()).decode() if process.stderr else ""
    assert "TELEGRAM_BOT_TOKEN: rejected" in text
    assert wrong not in text and "WRONG-but" not in text, text
    assert "Traceback" not in text, text


async def test_a_start_queued_before_the_bot_runs_is_answered_after_one_get_me(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    env = _env(await fake.start(), tmp_path / "bot.db")
    user = FakeTelegram.user(33, "Dana", "ro")
    fake.send_text(user, "/start")  # waiting in the queue before the process exists
    async with bot_process(fake, env, "run", "--mode", "polling") as process:
        await _wait_for(lambda: fake.chat_messages(33), "the welcome message")
        # The token check and PTB's initialize share one getMe.
        assert len(fake.method_calls("getMe")) == 1
        # The menus of every language still get set (beside polling, not before it).
        await _wait_for(lambda: len(fake.commands) == 6, "the command menus")
        assert await _stop(process) == 0


async def test_a_failing_command_menu_does_not_keep_the_bot_from_answering(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    fake.fail_next("setMyCommands", 400, "Bad Request: something about the menu")
    env = _env(await fake.start(), tmp_path / "bot.db")
    user = FakeTelegram.user(34, "Emre", "tr")
    fake.send_text(user, "/start")
    async with bot_process(fake, env, "run", "--mode", "polling") as process:
        await _wait_for(lambda: fake.chat_messages(34), "the welcome message")
        assert process.returncode is None
        assert await _stop(process) == 0
        stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert "command menus were not set" in stderr and TOKEN not in stderr
