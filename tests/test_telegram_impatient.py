"""Users who do not wait: taps on copies of a question, texts typed twice, taps on old
messages — through the real bot and a local Bot API server.

A tap whose button belongs to the current turn is an answer whichever copy it is on;
only taps from another turn are refused, with a notice that names the current question
instead of yet another copy of it.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from bot.telegram_bot import callback_data
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.telegram_harness import ANA, BotHarness, TelegramConversation, running_bot

DESCRIPTION = "law firm"


def _button(message: SentMessage, label: str) -> str:
    return next(b["callback_data"] for b in message.flat_buttons if b["text"] == label)


async def _at_contract_question(tg: BotHarness) -> TelegramConversation:
    chat = TelegramConversation(tg, ANA)
    await chat.send("/start")
    await chat.press("Start")
    await chat.send(DESCRIPTION)
    assert tg.state_of(ANA).step == "contract"
    return chat


async def test_a_tap_on_any_copy_of_the_current_question_is_an_answer(tg: BotHarness) -> None:
    chat = await _at_contract_question(tg)
    first_copy = tg.fake.last_with_buttons(ANA["id"])
    assert first_copy is not None
    await chat.send("purple elephants")  # not an answer: a notice and a second copy
    second_copy = tg.fake.last_with_buttons(ANA["id"])
    assert second_copy is not None and second_copy.message_id != first_copy.message_id
    replies = await chat._collect(
        lambda: tg.fake.press(ANA, first_copy, _button(first_copy, "Sometimes"))
    )
    state = tg.state_of(ANA)
    assert state.answers["contract"].option == "sometimes"
    assert state.step == "commitment"
    assert not any("earlier question" in r.text for r in replies)
    assert "How long" in first_copy.text  # the tapped copy now shows the next question


async def test_text_typed_twice_is_not_applied_to_the_next_question(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    await chat.send("/start")
    await chat.press("Start")
    sent_before = len(tg.fake.chat_messages(ANA["id"]))
    # Both typed before the bot's next question could arrive.
    ids = [tg.fake.send_text(ANA, DESCRIPTION), tg.fake.send_text(ANA, DESCRIPTION)]
    await tg.settle(*ids)
    state = tg.state_of(ANA)
    assert state.step == "contract" and "contract" not in state.answers
    new = [m.text for m in tg.fake.chat_messages(ANA["id"])[sent_before:]]
    assert not any("didn't catch" in t for t in new), new
    assert sum("2/12" in t for t in new) == 1, new  # one question, no copy
    assert any("arrived after I had moved on" in t for t in new), new


async def test_a_yes_typed_twice_answers_one_question_only(tg: BotHarness) -> None:
    await _at_contract_question(tg)
    ids = [tg.fake.send_text(ANA, "yes"), tg.fake.send_text(ANA, "yes")]
    await tg.settle(*ids)
    state = tg.state_of(ANA)
    assert state.answers["contract"].option == "usually"
    assert "commitment" not in state.answers and state.step == "commitment"


async def test_a_callback_from_an_inline_message_is_answered(tg: BotHarness) -> None:
    update_id = tg.fake.send_raw(
        {
            "callback_query": {
                "id": "inline-1",
                "from": ANA,
                "chat_instance": "ci",
                "inline_message_id": "AAEAAQ",
                "data": f"1:usually:{ANA['id']}",
            }
        }
    )
    await tg.settle(update_id)
    assert tg.fake.callback_answers[-1]["callback_query_id"] == "inline-1"
    assert tg.fake.callback_answers[-1].get("text")


async def test_a_user_with_a_sixteen_digit_id_can_use_the_buttons(tg: BotHarness) -> None:
    user = FakeTelegram.user(4_503_599_627_370_495, "Vera")  # 2^52 - 1
    chat = TelegramConversation(tg, user)
    await chat.send("/start")
    await chat.press("Start")
    await chat.send(DESCRIPTION)
    await chat.press("Sometimes")
    assert tg.state_of(user).answers["contract"].option == "sometimes"
    assert len(callback_data(999_999_999, "x" * 32, user["id"]).encode()) <= 64


# --- many impatient users at once ----------------------------------------------------------

USERS = 30
MAX_ACTIONS = 40


def _snapshot(fake: FakeTelegram, chat_id: int) -> tuple[int, int]:
    """Changes whenever a message is sent to or edited in the chat."""
    messages = fake.chat_messages(chat_id)
    return len(messages), sum(m.edits for m in messages)


async def _impatient_user(tg: BotHarness, user: dict[str, Any], rng: random.Random) -> int:
    """Acts the instant something new shows: taps the newest buttons or, now and then, the
    copy just above them; types the description, sometimes twice. Returns the actions."""
    fake, chat_id = tg.fake, user["id"]
    fake.send_text(user, "/start")
    seen = (0, 0)
    for action in range(MAX_ACTIONS):
        for _ in range(50):  # up to 0.5 s: a refused tap may change nothing on screen
            if _snapshot(fake, chat_id) != seen:
                break
            await asyncio.sleep(0.01)
        seen = _snapshot(fake, chat_id)
        if tg.store.results_for(chat_id):
            return action
        with_buttons = [m for m in fake.chat_messages(chat_id) if m.buttons]
        if not with_buttons:
            continue
        target = with_buttons[-1]
        if "What does your business do" in target.text:
            for _ in range(rng.choice((1, 2))):  # typed twice, as people do when nothing moves
                fake.send_text(user, DESCRIPTION)
            continue
        if len(with_buttons) > 1 and rng.random() < 0.3:
            target = with_buttons[-2]  # the copy just above: it looks as current
        labels = [b["text"] for b in target.flat_buttons]
        if "Start" in labels:
            fake.press(user, target, _button(target, "Start"))
        else:
            answers = [x for x in labels if x not in ("Not sure", "⬅ Back")]
            if not answers:
                continue
            fake.press(user, target, _button(target, rng.choice(answers)))
            if rng.random() < 0.2:  # a double tap
                fake.press(user, target, _button(target, rng.choice(answers)))
    return MAX_ACTIONS


async def test_impatient_users_all_finish_with_one_result_each(tmp_path: Path) -> None:
    rng = random.Random(20261207)
    async with running_bot(tmp_path / "bot.db", max_sends_per_second=0) as tg:
        users = [FakeTelegram.user(5000 + n, f"User{n}") for n in range(USERS)]
        actions = await asyncio.wait_for(
            asyncio.gather(*(_impatient_user(tg, u, random.Random(rng.random())) for u in users)),
            timeout=120,
        )
        await asyncio.sleep(0.3)  # late double taps must not add a second result
        stuck = [u["id"] for u, n in zip(users, actions, strict=True) if n >= MAX_ACTIONS]
        assert stuck == [], f"{len(stuck)} of {USERS} users never reached a result"
        counts = {u["id"]: len(tg.store.results_for(u["id"])) for u in users}
        assert set(counts.values()) == {1}, counts
