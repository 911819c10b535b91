"""The bot as a real process: one bot per database file, bad or vanished database files,
and a webhook that refuses oversized or unauthenticated bodies before reading them."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

from bot.updates import ALLOWED_UPDATES
from knowledge.loader import default_knowledge
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.processes import ROOT
from tests.test_run_modes import SECRET, _env, _free_port, _stop, _wait_for, bot_process

KB = default_knowledge()
USER = FakeTelegram.user(41, "Mira")


async def _stderr(process: asyncio.subprocess.Process) -> str:
    return (await process.stderr.read()).decode() if process.stderr else ""


async def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path) -> None:
    fake = FakeTelegram()
    env = _env(await fake.start(), tmp_path / "bot.db")
    async with bot_process(fake, env, "run", "--mode", "polling") as first:
        await _wait_for(lambda: fake.method_calls("getUpdates"), "polling to start")
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--mode", "polling",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert await asyncio.wait_for(second.wait(), timeout=30) == 2
        lines = (await _stderr(second)).strip().splitlines()
        assert len(lines) == 1, lines
        assert f"CLIENTWISE_DB={tmp_path / 'bot.db'}" in lines[0] and "in use" in lines[0]
        # The first bot was not disturbed and answers alone, once.
        fake.send_text(USER, "/start")
        await _wait_for(lambda: fake.chat_messages(41), "the welcome message")
        await asyncio.sleep(0.3)
        assert len(fake.chat_messages(41)) == 1
        assert fake.method_calls("getUpdates")[-1]["allowed_updates"] == ALLOWED_UPDATES
        assert await _stop(first) == 0


async def test_a_file_that_is_not_a_database_is_named_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    db.write_bytes(b"these are not the pages you are looking for " * 200)
    fake = FakeTelegram()
    env = _env(await fake.start(), db)
    async with bot_process(fake, env, "run", "--mode", "polling") as process:
        assert await asyncio.wait_for(process.wait(), timeout=30) == 2
        text = await _stderr(process)
    assert text.count("\n") == 1, text
    assert f"CLIENTWISE_DB={db}" in text and "not a database" in text
    assert "Traceback" not in text


async def test_a_deleted_database_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    fake = FakeTelegram()
    env = _env(await fake.start(), db)
    async with bot_process(fake, env, "run", "--mode", "polling") as process:
        start = fake.send_text(USER, "/start")
        await _wait_for(lambda: fake.chat_messages(41), "the welcome message")
        # The welcome goes out before /start is marked answered: delete the file only once
        # that last write is done, so the next write to notice is /help's.
        await _wait_for(lambda: _replied(db, start), "/start marked answered")
        db.unlink()
        fake.send_text(USER, "/help")
        assert await asyncio.wait_for(process.wait(), timeout=30) == 1
        text = await _stderr(process)
    said = [m.text for m in fake.chat_messages(41)[1:]]
    assert said == [KB.text("apology_not_saved", "en")], said
    gone = [line for line in text.splitlines() if "deleted or replaced" in line]
    assert len(gone) == 1 and f"CLIENTWISE_DB={db}" in gone[0], text
    assert "Traceback" not in text, text


def _replied(db: Path, update_id: int) -> bool:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT replied FROM processed_updates WHERE update_id = ?", [update_id]
        ).fetchone()
    return bool(row and row[0])


async def _raw_request(port: int, head: str, body: bytes = b"") -> bytes:
    """Send the headers (and ``body``, maybe only part of what they declare); the reply."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        return await asyncio.wait_for(reader.read(200), timeout=5)
    finally:
        writer.close()


async def test_webhook_refuses_big_or_unsigned_bodies_before_reading_them(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = _env(
        base_url, tmp_path / "bot.db", WEBHOOK_URL=hook, WEBHOOK_SECRET=SECRET, PORT=str(port)
    )
    async with bot_process(fake, env, "run", "--mode", "webhook") as process:
        await _wait_for(lambda: fake.method_calls("setWebhook"), "setWebhook")
        assert fake.method_calls("setWebhook")[0]["allowed_updates"] == ALLOWED_UPDATES
        big = 5 * 1024 * 1024

        def head(secret: str) -> str:
            return (
                "POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {big}\r\n\r\n"
            )

        for _ in range(50):  # the listener may need a moment after setWebhook
            try:
                # Only the headers are sent: an answer proves the body was never waited for.
                unsigned = await _raw_request(port, head("wrong"))
                break
            except ConnectionRefusedError:
                await asyncio.sleep(0.1)
        assert unsigned.startswith(b"HTTP/1.1 413"), unsigned
        signed = await _raw_request(port, head(SECRET), b"{" * 1000)
        assert signed.startswith(b"HTTP/1.1 413"), signed
        # A small body without the secret is refused too, with a clean 403.
        update = b'{"update_id": 1}'
        small = head("wrong").replace(str(big), str(len(update)))
        assert (await _raw_request(port, small, update)).startswith(b"HTTP/1.1 403")
        # And the bot still serves real updates.
        start = (
            b'{"update_id": 2, "message": {"message_id": 1, "date": 1, "text": "/start", '
            b'"chat": {"id": 41, "type": "private", "first_name": "Mira"}, '
            b'"from": {"id": 41, "is_bot": false, "first_name": "Mira"}, '
            b'"entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}'
        )
        signed_small = head(SECRET).replace(str(big), str(len(start)))
        assert (await _raw_request(port, signed_small, start)).startswith(b"HTTP/1.1 200")
        await _wait_for(lambda: fake.chat_messages(41), "the welcome message")
        assert await _stop(process) == 0
        text = await _stderr(process)
    assert TOKEN not in text and SECRET not in text and "Traceback" not in text
