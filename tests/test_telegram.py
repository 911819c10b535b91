"""End to end through the real python-telegram-bot stack against a local Bot API server.

Faults and odd inputs: stale, forged and doubled buttons, duplicate deliveries, 429,
403, 5xx, every message type users send, groups, /forget, per-chat ordering, and the
token never reaching a log line.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.logs import install_redaction
from bot.telegram_bot import callback_data
from tests.fake_telegram import BOT_ID, TOKEN
from tests.telegram_harness import (
    ANA,
    BORIS,
    BotHarness,
    TelegramConversation,
    running_bot,
    start_questionnaire,
)


async def _to_first_choice(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "law firm")


async def test_commands_are_registered(tg: BotHarness) -> None:
    names = [c["command"] for c in tg.fake.commands[None]]
    assert names == ["start", "help", "back", "restart", "language", "cancel", "forget", "history"]


async def test_buttons_edit_the_question_in_place_and_stop_the_spinner(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    question = tg.fake.last_with_buttons(ANA["id"])
    assert question is not None
    count_before = len(tg.fake.chat_messages(ANA["id"]))
    answers_before = len(tg.fake.callback_answers)
    for label in ["Yes, usually", "A year or more", "Only us", "Yes, ongoing"]:
        await chat.press(label)
    assert len(tg.fake.chat_messages(ANA["id"])) == count_before  # no new messages
    assert question.edits == 4 and question.text.startswith("6/12")
    assert len(tg.fake.callback_answers) == answers_before + 4  # every tap answered
    for button in question.flat_buttons:
        assert len(button["callback_data"].encode()) <= 64


async def test_double_tap_counts_once(tg: BotHarness) -> None:
    await _to_first_choice(tg)
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    data = next(b["callback_data"] for b in message.flat_buttons if b["text"] == "Sometimes")
    first = tg.fake.press(ANA, message, data)
    second = tg.fake.press(ANA, message, data)
    await tg.settle(first, second)
    state = tg.state_of(ANA)
    assert state.history == ["business", "contract"]
    assert state.answers["contract"].option == "sometimes"
    assert any("earlier question" in (a.get("text") or "") for a in tg.fake.callback_answers)


async def test_old_message_button_names_the_current_question_without_a_copy(
    tg: BotHarness,
) -> None:
    chat = await _to_first_choice(tg)
    old = tg.fake.last_with_buttons(ANA["id"])
    assert old is not None
    old_data = next(b["callback_data"] for b in old.flat_buttons if b["text"] == "No")
    await chat.send("/restart")  # a new question message; the old one is now stale
    before = tg.state_of(ANA)
    sent_before = len(tg.fake.chat_messages(ANA["id"]))
    replies = await chat._collect(lambda: tg.fake.press(ANA, old, old_data))
    assert tg.state_of(ANA) == before
    assert "earlier question" in replies[0].text
    assert "1/12 “What does your business do" in replies[0].text
    assert len(tg.fake.chat_messages(ANA["id"])) == sent_before  # no copy added
    assert old.buttons == []  # the old message can no longer be mistaken for the current


@pytest.mark.parametrize(
    "data",
    ["garbage", "99999:usually", "1:DROP TABLE", "x" * 64, "1:", ":usually", "1:usually:extra"],
)
async def test_forged_button_data_changes_nothing(tg: BotHarness, data: str) -> None:
    await _to_first_choice(tg)
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    before = tg.state_of(ANA)
    update_id = tg.fake.press(ANA, message, data)
    await tg.settle(update_id)
    assert tg.state_of(ANA) == before
    assert tg.fake.callback_answers[-1].get("text")


async def test_duplicate_delivery_is_processed_once(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    await chat.press("No")
    sent_before = len(tg.fake.chat_messages(ANA["id"]))
    update_id = tg.fake.send_text(ANA, "they shop around")
    await tg.settle(update_id)
    tg.fake.redeliver(update_id)
    await tg.settle(update_id)
    await asyncio.sleep(0.2)
    await tg.settle(update_id)
    state = tg.state_of(ANA)
    assert state.history.count("exclusivity") == 1
    assert state.step == "support"
    assert len(tg.fake.chat_messages(ANA["id"])) == sent_before + 1


async def test_429_is_waited_out_and_the_reply_arrives(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    replies = await chat.send("/start")
    assert any("quick questions" in r.text for r in replies)
    assert len(tg.fake.method_calls("sendMessage")) == 2  # the refused one and the retry


async def test_5xx_is_retried(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 502, "Bad Gateway")
    replies = await chat.send("/start")
    assert any("quick questions" in r.text for r in replies)


async def test_blocked_user_is_marked_inactive_and_the_bot_keeps_running(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _to_first_choice(tg)
    tg.fake.block_chat(ANA["id"])
    update_id = tg.fake.send_text(ANA, "yes")
    await tg.settle(update_id)
    assert tg.store.is_active(ANA["id"]) is False
    assert tg.state_of(ANA).answers["contract"].option == "usually"  # answer kept
    replies = await TelegramConversation(tg, BORIS).send("/start")
    assert any("Hi Boris!" in r.text for r in replies)


async def test_unexpected_error_is_logged_once_and_user_gets_apology(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = TelegramConversation(tg, ANA)
    tg.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    with caplog.at_level(logging.ERROR):
        update_id = tg.fake.send_text(ANA, "/start")
        await tg.settle(update_id)
    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failures) == 1 and f"update={update_id}" in failures[0].getMessage()
    assert "Sorry, something went wrong" in tg.fake.chat_messages(ANA["id"])[-1].text
    replies = await chat.send("/help")  # still alive
    assert replies


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (
            {
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s1",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
            True,
        ),
        ({"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]}, True),
        ({"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}}, True),
        (
            {
                "video": {
                    "file_id": "vi",
                    "file_unique_id": "vi1",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                }
            },
            True,
        ),
        ({"document": {"file_id": "d", "file_unique_id": "d1"}}, True),
        ({"location": {"latitude": -6.2, "longitude": 106.8}}, True),
        ({"contact": {"phone_number": "+62000", "first_name": "Budi"}}, True),
        (
            {
                "poll": {
                    "id": "1",
                    "question": "?",
                    "options": [{"text": "a", "voter_count": 0, "persistent_id": "o1"}],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    "allows_revoting": False,
                    "members_only": False,
                }
            },
            True,
        ),
    ],
    ids=["sticker", "photo", "voice", "video", "document", "location", "contact", "poll"],
)
async def test_non_text_messages_get_a_hint(tg: BotHarness, content: dict, hint: bool) -> None:
    await _to_first_choice(tg)
    before = tg.state_of(ANA)
    update_id = tg.fake.send_raw(tg.fake.message_update(ANA, **content))
    await tg.settle(update_id)
    assert "only read text and button taps" in tg.fake.chat_messages(ANA["id"])[-1].text
    assert tg.state_of(ANA) == before


async def test_edited_message_gets_a_hint_and_changes_nothing(tg: BotHarness) -> None:
    await _to_first_choice(tg)
    before = tg.state_of(ANA)
    update_id = tg.fake.send_raw(tg.fake.message_update(ANA, kind="edited_message", text="no"))
    await tg.settle(update_id)
    assert "send your corrected answer again" in tg.fake.chat_messages(ANA["id"])[-1].text
    assert tg.state_of(ANA) == before


async def test_long_and_emoji_only_texts(tg: BotHarness) -> None:
    chat = TelegramConversation(tg, ANA)
    await chat.send("/start")
    await chat.press("Start")
    # The longest message Telegram allows, Cyrillic, a real description ("ж" * 4096 is a
    # held key: asked again).
    replies = await chat.send(("у нас небольшая пекарня возле дома, " * 120)[:4096])
    assert any("2/12" in r.text for r in replies)
    replies = await chat.send("🤷‍♀️🙂")
    assert any("didn't catch that" in r.text for r in replies)
    assert tg.state_of(ANA).step == "contract"


async def test_channel_posts_and_other_bots_are_ignored_silently(tg: BotHarness) -> None:
    channel = {"id": -100500, "type": "channel", "title": "News"}
    post = tg.fake.send_raw(
        {"channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "/start"}}
    )
    robot = {"id": 999, "is_bot": True, "first_name": "OtherBot"}
    from_bot = tg.fake.send_raw(tg.fake.message_update(robot, text="/start"))
    await tg.settle(post, from_bot)
    assert tg.fake.method_calls("sendMessage") == []


async def test_group_members_have_their_own_state(tg: BotHarness) -> None:
    group = {"id": -4242, "type": "supergroup", "title": "Team"}
    start_a = tg.fake.send_text(ANA, "/start", chat=group)
    await tg.settle(start_a)
    start_b = tg.fake.send_text(BORIS, "/start@" + "clientwise_test_bot", chat=group)
    await tg.settle(start_b)
    messages = tg.fake.chat_messages(group["id"])
    ana_msg, boris_msg = messages[-2], messages[-1]
    assert "Hi Ana!" in ana_msg.text and "Hi Boris!" in boris_msg.text
    # Boris taps Ana's Start button: refused, nobody's state moves.
    begin = ana_msg.flat_buttons[0]["callback_data"]
    await tg.settle(tg.fake.press(BORIS, ana_msg, begin))
    assert "belongs to someone else" in tg.fake.callback_answers[-1]["text"]
    assert tg.state_of(BORIS, group["id"]).phase == "welcome"
    # Ana starts hers; group chatter is ignored, a reply to the bot is an answer.
    await tg.settle(tg.fake.press(ANA, ana_msg, begin))
    assert tg.state_of(ANA, group["id"]).step == "business"
    count = len(tg.fake.chat_messages(group["id"]))
    await tg.settle(tg.fake.send_text(ANA, "lunch anyone?", chat=group))
    assert len(tg.fake.chat_messages(group["id"])) == count
    await tg.settle(tg.fake.send_text(ANA, "bakery", chat=group, reply_to=ana_msg))
    assert tg.state_of(ANA, group["id"]).answers["business"].text == "bakery"
    assert tg.state_of(BORIS, group["id"]).answers == {}


async def test_forget_deletes_everything_after_confirmation(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    await chat.send("/forget")
    await chat.press("No, keep it")
    assert tg.store.load(ANA["id"], ANA["id"]) is not None
    await chat.send("/forget")
    replies = await chat.press("Yes, delete everything")
    assert any("everything about you is deleted" in r.text for r in replies)
    assert tg.store.load(ANA["id"], ANA["id"]) is None
    assert tg.store.results_for(ANA["id"]) == []


async def test_finished_result_is_stored(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    for label in [
        "Yes, usually",
        "A year or more",
        "Only us",
        "Yes, ongoing",
        "Tailored to each",
        "Months",
        "A few big accounts",
        "By name; we talk often",
        "Referrals, networking, trials",
        "Ongoing (retainer or plan)",
        "A few",
    ]:
        await chat.press(label)
    rows = tg.store.results_for(ANA["id"])
    assert len(rows) == 1
    assert rows[0]["model"] == "client" and rows[0]["business"] == "law firm"
    assert rows[0]["confidence_label"] == "high"


async def test_updates_of_one_chat_are_processed_in_order(tg: BotHarness) -> None:
    # Six taps sent at once, each carrying the turn its predecessor leads to: processed
    # out of order, a tap would meet the wrong turn and be refused.
    await start_questionnaire(tg, ANA, "florist")
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    turn = tg.state_of(ANA).turn
    taps = ["never", "shop_around", "none", "standard", "same_day"]
    ids = [
        tg.fake.press(ANA, message, callback_data(turn + i, option, ANA["id"]))
        for i, option in enumerate(taps)
    ]
    other = [tg.fake.send_text(BORIS, "/start")]
    await tg.settle(*ids, *other)
    state = tg.state_of(ANA)
    assert state.history == [
        "business",
        "contract",
        "exclusivity",
        "support",
        "customisation",
        "sales_cycle",
    ]
    assert state.answers["support"].option == "none"
    assert not [a for a in tg.fake.callback_answers if a.get("text")]


async def test_token_never_appears_in_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    install_redaction([TOKEN])
    with caplog.at_level(logging.DEBUG):
        async with running_bot(tmp_path / "bot.db") as tg:
            tg.fake.fail_next("sendMessage", 429, "Too Many Requests", retry_after=1)
            tg.fake.fail_next("editMessageText", 400, "Bad Request: chat not found")
            chat = await _to_first_choice(tg)
            await chat.press("Sometimes")
            logging.getLogger("test").info("url was %s/bot%s/getMe", "http://x", TOKEN)
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20  # the bot did log plenty
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text


async def test_start_payload_and_bot_id(tg: BotHarness) -> None:
    replies = await TelegramConversation(tg, ANA).send("/start from_site")
    assert any("quick questions" in r.text for r in replies)
    assert tg.app.bot.id == BOT_ID


def test_database_is_wal_and_upgrades_older_files(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from bot.storage import Store, migrations

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m002_results_by_time")
    db.close()
    store = Store(path)
    indexes = {tuple(i.columns) for i in store.db["results"].indexes}
    assert ("finished_at",) in indexes
    store.close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
