"""The conversation over Telegram, end to end through the real python-telegram-bot stack
and a local Bot API server: the command menu, buttons edited in place, start over and
continue, /forget, the stored result, languages, and group chats where each member has
their own questionnaire.

Odd inputs are in test_telegram_inputs.py, network and delivery faults in
test_telegram_faults.py, per-chat ordering in test_ordering.py.
"""

from __future__ import annotations

import pytest

from knowledge.loader import default_knowledge
from knowledge.model import pick
from tests.fake_telegram import BOT_ID, FakeTelegram
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


async def _at_contract(tg: BotHarness, user: dict = ANA) -> TelegramConversation:
    return await start_questionnaire(tg, user, "florist")


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


async def test_start_payload_and_bot_id(tg: BotHarness) -> None:
    replies = await TelegramConversation(tg, ANA).send("/start from_site")
    assert any("quick questions" in r.text for r in replies)
    assert tg.app.bot.id == BOT_ID


async def test_start_over_keeps_the_result_card(tg: BotHarness) -> None:
    chat = await _at_contract(tg)
    for label in [
        "No",
        "They shop around",
        "No, the sale is the end",
        "Same for everyone",
        "Same day",
        "Many small buyers",
        "Mostly strangers",
        "Ads, promotions, walk-ins",
        "Mostly once",
        "A wide range",
    ]:
        await chat.press(label)
    result = tg.fake.last_with_buttons(ANA["id"])
    assert result is not None and "Your model:" in result.text
    await chat.press("Start over")
    assert "Your model:" in result.text  # not overwritten by question 1
    assert "1/12" in tg.fake.chat_messages(ANA["id"])[-1].text


async def test_start_mid_questionnaire_offers_to_continue(tg: BotHarness) -> None:
    chat = await _at_contract(tg)
    await chat.press("Sometimes")
    replies = await chat.send("/start")
    assert any("Continue where I left off" in o.label for r in replies for o in r.options)
    replies = await chat.press("Continue where I left off")
    assert any("How long do those agreements" in r.text for r in replies)
    assert tg.state_of(ANA).answers["contract"].option == "sometimes"


async def test_group_buttons_belong_to_their_owner(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))
    ana_welcome = tg.fake.chat_messages(GROUP["id"])[-1]
    begin = ana_welcome.flat_buttons[0]["callback_data"]
    # Boris has no questionnaire at all: still "not yours", not a phantom "current one".
    await tg.settle(tg.fake.press(BORIS, ana_welcome, begin))
    assert "belongs to someone else" in tg.fake.callback_answers[-1]["text"]
    # Ana taps her own, older message after restarting: a stale notice, not "someone else".
    await tg.settle(tg.fake.press(ANA, ana_welcome, begin))
    await tg.settle(tg.fake.send_text(ANA, "/restart", chat=GROUP))
    await tg.settle(tg.fake.press(ANA, ana_welcome, begin))
    assert "earlier question" in tg.fake.callback_answers[-1]["text"]


async def test_only_the_asker_can_confirm_forget(tg: BotHarness) -> None:
    await tg.settle(tg.fake.send_text(ANA, "/start", chat=GROUP))
    await tg.settle(tg.fake.send_text(ANA, "/forget", chat=GROUP))
    confirm = tg.fake.chat_messages(GROUP["id"])[-1]
    yes = confirm.flat_buttons[0]["callback_data"]
    await tg.settle(tg.fake.press(BORIS, confirm, yes))
    assert "belongs to someone else" in tg.fake.callback_answers[-1]["text"]
    assert tg.store.load(GROUP["id"], ANA["id"]) is not None
    await tg.settle(tg.fake.press(ANA, confirm, yes))
    assert tg.store.load(GROUP["id"], ANA["id"]) is None


OTHER_LANGS = [code for code in sorted(default_knowledge().languages) if code != "en"]


@pytest.mark.parametrize("lang", OTHER_LANGS)
async def test_telegram_language_code_picks_the_language(tg: BotHarness, lang: str) -> None:
    kb = default_knowledge()
    user = FakeTelegram.user(900, "Ana", language_code=f"{lang}-XX")
    replies = await TelegramConversation(tg, user).send("/start")
    assert any(kb.text("greeting_named", lang, name="Ana") in r.text for r in replies)
    assert lang in tg.fake.commands  # the command menu is localised too


async def test_language_menu_switches_mid_questionnaire(tg: BotHarness) -> None:
    kb = default_knowledge()
    chat = await _at_contract(tg)
    await chat.press("Sometimes")
    target = sorted(kb.languages)[-1]
    await chat.send("/language")
    replies = await chat.press(kb.languages[target])
    state = tg.state_of(ANA)
    assert state.lang == target and state.answers["contract"].option == "sometimes"
    assert any(kb.text("language_set", target) in r.text for r in replies)


async def test_russian_user_gets_the_whole_conversation_in_russian(tg: BotHarness) -> None:
    kb = default_knowledge()
    ivan = FakeTelegram.user(901, "Иван", language_code="ru")
    chat = TelegramConversation(tg, ivan)
    await chat.send("/start")
    await chat.press(kb.text("btn_begin", "ru"))
    await chat.send("юридическая фирма")
    typical = next(b for b in kb.businesses if b.id == "law_firm").typical
    while (state := tg.state_of(ivan)).phase == "asking":
        option = kb.option(state.step, typical[state.step])
        await chat.press(option.label["ru"])
    texts = [m.text for m in tg.fake.chat_messages(901)]
    assert any(kb.models["client"].headline["ru"] in t for t in texts)
    english = [pick(kb.messages[k], "en") for k in ("tactics_header", "why_header", "btn_begin")]
    assert not any(e in t for e in english for t in texts), texts[-1]
    assert all(
        b["text"] != "Start over" for m in tg.fake.chat_messages(901) for b in m.flat_buttons
    )


async def test_a_note_before_a_question_travels_in_the_question_message(tg: BotHarness) -> None:
    await _to_first_choice(tg)
    *_, last = tg.fake.chat_messages(ANA["id"])
    # "Noted: Law firm…" and question 2 with its buttons: one message, one notification.
    assert last.text.startswith("Noted: Law firm") and "2/12" in last.text
    assert [b["text"] for b in last.flat_buttons][:3] == ["Yes, usually", "Sometimes", "No"]
    assert not any(
        m.text.startswith("Noted") and not m.buttons for m in tg.fake.chat_messages(ANA["id"])
    )


def test_notes_join_a_question_but_never_a_result_card_or_past_the_size_limit() -> None:
    from bot.telegram_bot import joined
    from dialogs.events import Reply, ReplyOption

    option = [ReplyOption(id="yes", label="Yes")]
    note, card = Reply(kind="notice", text="Noted."), Reply(kind="result", text="Card")
    question = Reply(kind="question", text="2/12 Q?", options=option, turn=2)
    (one,) = joined([note, question])
    assert one.text == "Noted.\n\n2/12 Q?" and one.options == option and one.turn == 2
    assert [r.text for r in joined([card, question])] == ["Card", "2/12 Q?"]
    assert [r.text for r in joined([note, question], limit=10)] == ["Noted.", "2/12 Q?"]
    assert [r.text for r in joined([question, note])] == ["2/12 Q?", "Noted."]
    # A result card has its menu buttons; a note before it is not buried in it.
    menu_card = Reply(kind="result", text="Card", options=option, turn=9)
    assert [r.text for r in joined([note, menu_card])] == ["Noted.", "Card"]
    # An answer or explanation (info) is kept for reading: the next tap would erase it.
    faq = Reply(kind="info", text="We keep your answers private.")
    assert [r.text for r in joined([faq, question])] == [faq.text, "2/12 Q?"]


async def test_a_faq_answer_mid_questionnaire_stays_in_its_own_message(tg: BotHarness) -> None:
    chat = await _to_first_choice(tg)
    await chat.send("do online shops have clients?")
    *_, answer, question = tg.fake.chat_messages(ANA["id"])
    assert question.buttons and "2/12" in question.text
    assert not answer.buttons and "2/12" not in answer.text
