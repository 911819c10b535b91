"""A bot process killed with SIGKILL mid-questionnaire, then restarted.

The bot runs as a real process (``python -m bot``) against the local Bot API server.
Three simulated users behave like people: they look at the question on screen, tap the
answer for it, and if nothing happens for a while they look again and tap again. The
process is killed mid-way and restarted; every user must finish with the right result,
one stored result each, and no answer lost or doubled.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

from bot.storage import Store
from knowledge.loader import default_knowledge
from knowledge.model import pick
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.processes import ROOT, clean_env

KB = default_knowledge()

PROFILES = {
    "law_firm": ("client", "law firm"),
    "gas_station": ("customer", "petrol station"),
    "bank_wealth_management": ("hybrid", "bank with a wealth desk"),
}
KILL_AFTER_TAPS = 9
PATIENCE = 2.5  # seconds a user waits for an answer before looking again


def _question_on_screen(text: str) -> str | None:
    for qid, question in KB.questions.items():
        if pick(question.text, "en") in text:
            return qid
    return None


async def _start_bot(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log.open("ab"),
        stderr=asyncio.subprocess.STDOUT,
    )


async def _play(fake: FakeTelegram, user: dict, business_id: str, deadline: float) -> None:
    typical = next(b for b in KB.businesses if b.id == business_id).typical
    description = PROFILES[business_id][1]
    chat_id = user["id"]
    fake.send_text(user, "/start")
    while time.monotonic() < deadline:
        message = fake.last_with_buttons(chat_id)
        if message is None:  # the bot may still be booting: ask again now and then
            await asyncio.sleep(PATIENCE)
            if fake.last_with_buttons(chat_id) is None:
                fake.send_text(user, "/start")
            continue
        if "Your model:" in message.text:
            return
        snapshot = (message.message_id, message.text, message.edits)
        qid = _question_on_screen(message.text)
        if qid is None:  # the welcome: press Start
            data = message.flat_buttons[0]["callback_data"]
            fake.press(user, message, data)
        elif KB.questions[qid].kind == "text":
            fake.send_text(user, description)
        else:
            option = typical[qid]
            data = next(
                b["callback_data"]
                for b in message.flat_buttons
                if b["callback_data"].split(":")[1] == option
            )
            fake.press(user, message, data)
        waited = 0.0
        while waited < PATIENCE:
            await asyncio.sleep(0.05)
            waited += 0.05
            newest = fake.last_with_buttons(chat_id)
            if newest is not None and (newest.message_id, newest.text, newest.edits) != snapshot:
                break
    raise AssertionError(f"{business_id} did not finish")


async def test_sigkill_mid_questionnaire_loses_and_doubles_nothing(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    db_path = tmp_path / "bot.db"
    log = tmp_path / "bot.log"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, CLIENTWISE_DB=str(db_path)
    )
    users = {name: FakeTelegram.user(5000 + i, name) for i, name in enumerate(PROFILES)}
    process = await _start_bot(env, log)
    restarted = None
    try:
        deadline = time.monotonic() + 90
        players = [
            asyncio.create_task(_play(fake, users[name], name, deadline)) for name in PROFILES
        ]
        while len(fake.callback_answers) < KILL_AFTER_TAPS:
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -signal.SIGKILL
        await asyncio.sleep(0.5)
        restarted = await _start_bot(env, log)
        await asyncio.wait_for(asyncio.gather(*players), timeout=100)
    finally:
        for proc in (process, restarted):
            if proc is not None and proc.returncode is None:
                proc.kill()
                await proc.wait()
        await fake.stop()

    store = Store(db_path)
    try:
        for name, (model, description) in PROFILES.items():
            user_id = users[name]["id"]
            results = store.results_for(user_id)
            assert len(results) == 1, (name, results)
            assert results[0]["model"] == model, (name, results[0])
            assert results[0]["business"] == description
            stored = store.load(user_id, user_id)
            assert stored is not None
            history = stored.state.history
            assert len(history) == len(set(history)), history  # nothing answered twice
            typical = next(b for b in KB.businesses if b.id == name).typical
            for qid in history[1:]:
                assert stored.state.answers[qid].option == typical[qid]  # nothing lost
    finally:
        store.close()
