"""Odd inputs through the real python-telegram-bot stack and a local Bot API server:
doubled, stale and forged buttons, media, edited messages, very long and emoji-only
texts, channel posts and other bots, unknown commands, deep-link payloads."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.telegram_harness import (
    ANA,
    BORIS,
    BotHarness,
    TelegramConversation,
    start_questionnaire,
)

GROUP = {"id": -4242, "type": "supergroup", "title": "Team"}


async def _to_first_choice(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "law firm")


async def test_double_tap_counts_once(tg: BotHarness) -> None:
    await _to_first_choice(tg)
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    data = next(b["callback_data"] for b in message.flat_buttons if b["text"] == "Sometimes")
    calls_before = len(tg.fake.calls)
    first = tg.fake.press(ANA, message, data)
    second = tg.fake.press(ANA, message, data)
    await tg.settle(first, second)
    state = tg.state_of(ANA)
    assert state.history == ["business", "contract"]
    assert state.answers["contract"].option == "sometimes"
    assert any("earlier question" in (a.get("text") or "") for a in tg.fake.callback_answers)
    # The message already shows the next question: the second tap gets the toast and
    # no edit (an edit would change nothing and still count against the send limit).
    edits = [m for m, _ in tg.fake.calls[calls_before:] if m.startswith("editMessage")]
    assert len(edits) == 1, edits


async def test_a_tap_after_cancel_turns_the_old_question_into_the_current_screen(
    tg: BotHarness,
) -> None:
    chat = await _to_first_choice(tg)
    message = tg.fake.last_with_buttons(ANA["id"])
    assert message is not None
    old_buttons = [b["callback_data"] for b in message.flat_buttons]
    await chat.send("/cancel")  # a notice without buttons: the question message stays
    await tg.settle(tg.fake.press(ANA, message, old_buttons[0]))
    # Not a toast alone: the old question is edited, so its stale buttons are gone.
    edited = next(m for m in tg.fake.chat_messages(ANA["id"]) if m.message_id == message.message_id)
    assert [b["callback_data"] for b in edited.flat_buttons] != old_buttons
    # …and shows the current screen (the paused welcome, with its buttons), not nothing.
    assert edited.flat_buttons and edited.edits


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


# One message of every kind that is not text (what users send besides typing).
NON_TEXT: dict[str, dict[str, Any]] = {
    "sticker": {
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
    "photo": {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]},
    "voice": {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}},
    "video": {
        "video": {"file_id": "vi", "file_unique_id": "vi1", "width": 1, "height": 1, "duration": 1}
    },
    "document": {"document": {"file_id": "d", "file_unique_id": "d1"}},
    "location": {"location": {"latitude": -6.2, "longitude": 106.8}},
    "contact": {"contact": {"phone_number": "+62000", "first_name": "Budi"}},
    "poll": {
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
}


@pytest.mark.parametrize("kind", list(NON_TEXT))
async def test_non_text_messages_get_a_hint_in_private(tg: BotHarness, kind: str) -> None:
    await _to_first_choice(tg)
    before = tg.state_of(ANA)
    update_id = tg.fake.send_raw(tg.fake.message_update(ANA, **NON_TEXT[kind]))
    await tg.settle(update_id)
    assert "only read text and button taps" in tg.fake.chat_messages(ANA["id"])[-1].text
    assert tg.state_of(ANA) == before


async def test_non_text_messages_are_ignored_silently_in_groups(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))
    before = tg.state_of(ANA, GROUP["id"])
    sent = len(tg.fake.chat_messages(GROUP["id"]))
    ids = [
        tg.fake.send_raw(tg.fake.message_update(ANA, chat=GROUP, **content))
        for content in NON_TEXT.values()
    ]
    await tg.settle(*ids)
    assert len(tg.fake.chat_messages(GROUP["id"])) == sent
    assert tg.state_of(ANA, GROUP["id"]) == before


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


async def test_unknown_commands_get_help_in_private_and_silence_in_groups(tg: BotHarness) -> None:
    replies = await TelegramConversation(tg, ANA).send("/foo")
    assert any("/restart" in r.text for r in replies)
    assert any("/foo" in r.text for r in replies)  # says which command it does not know
    before = len(tg.fake.method_calls("sendMessage"))
    await tg.settle(tg.fake.send_text(BORIS, "/weather@other_bot", chat=GROUP))
    await tg.settle(tg.fake.send_text(BORIS, "/foo", chat=GROUP))
    assert len(tg.fake.method_calls("sendMessage")) == before


async def test_deep_link_payload_is_cleaned(
    tg: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # The payload is text from outside: cleaned, and logged at DEBUG only (INFO carries
    # no text a user could have typed).
    with caplog.at_level(logging.DEBUG, logger="clientwise.updates"):
        await TelegramConversation(tg, ANA).send("/start from_site\nupdate=1 fake line")
    records = [r for r in caplog.records if r.name == "clientwise.updates"]
    lines = [r.getMessage() for r in records]
    assert any(
        "payload=from_siteupdate1fakeline" in r.getMessage()
        for r in records
        if r.levelno == logging.DEBUG
    )
    assert not any("payload" in r.getMessage() for r in records if r.levelno >= logging.INFO)
    assert all("\n" not in line for line in lines)
