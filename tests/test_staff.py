"""The staff desk through Telegram (local Bot API server, real PTB, real SQLite file):
who may use it, whose menu shows it, cases, /recent, /stats, /export, /history, and that
/forget leaves no trace of a user in any table or in the file."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest
from PIL import Image

from bot.staff import OWNER_COMMANDS, STAFF_COMMANDS
from bot.storage import ResultRow, Store
from bot.telegram_bot import COMMANDS
from tests.telegram_harness import (
    ANA,
    BORIS,
    STAFF,
    BotHarness,
    TelegramConversation,
    running_bot,
)

GROUP = {"id": -100777, "type": "supergroup", "title": "Support"}
ANSWERS = [
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
]


@pytest.fixture
async def desk(tmp_path: Path):
    async with running_bot(tmp_path / "bot.db", admin_ids=[STAFF["id"]]) as harness:
        yield harness


async def _finish(chat: TelegramConversation, description: str = "law firm") -> None:
    await chat.send("/start")
    await chat.press("Start")
    await chat.send(description)
    for label in ANSWERS:
        await chat.press(label)


def _all_values(store: Store) -> list[tuple[str, str, object]]:
    """Every (table, column, value) in the database, sqlite-utils' own tables aside."""
    found = []
    for table in store.db.tables:
        if table.name.startswith("_"):
            continue
        for row in table.rows:
            found += [(table.name, column, value) for column, value in row.items()]
    return found


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_non_staff_is_refused_every_staff_command_in_private_and_in_a_group(
    desk: BotHarness, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="clientwise")
    await _finish(TelegramConversation(desk, ANA), "secret bakery of Ana")  # data to guard
    before = len(desk.fake.chat_messages(BORIS["id"]))
    text = f"/{command} 2026-01-01 caller words"
    await desk.settle(desk.fake.send_text(BORIS, text))
    await desk.settle(desk.fake.send_text(BORIS, f"/{command}@{desk.app.bot.username} x", GROUP))
    private = desk.fake.chat_messages(BORIS["id"])[before:]
    group = desk.fake.chat_messages(GROUP["id"])
    assert [m.text for m in private] == ["Sorry, this command is only for the support team."]
    assert [m.text for m in group] == ["Sorry, this command is only for the support team."]
    assert all(not m.buttons for m in [*private, *group])
    assert desk.fake.chat_files(BORIS["id"]) == desk.fake.chat_files(GROUP["id"]) == []
    # Boris's conversation was not touched (no triage card, no case begun).
    assert desk.store.load(BORIS["id"], BORIS["id"]) is None
    refusals = [r.getMessage() for r in caplog.records if "staff command" in r.getMessage()]
    assert len(refusals) == 2 and all(f"user={BORIS['id']}" in r for r in refusals)
    assert not any("caller words" in r.getMessage() for r in caplog.records)
    assert not any(desk.fake.token in r.getMessage() for r in caplog.records)


async def test_staff_commands_are_only_in_the_staff_members_menu(desk: BotHarness) -> None:
    fake = desk.fake
    for lang in (None, "id", "th", "tr", "ru", "ro"):
        everyone = fake.menu_for(ANA["id"], lang)
        assert everyone == list(COMMANDS)
        assert not set(everyone) & set(STAFF_COMMANDS)
        staff = fake.menu_for(STAFF["id"], lang)
        assert set(STAFF_COMMANDS) <= set(staff) and set(COMMANDS) <= set(staff)
    scopes = {(k[0], k[1]) for k in fake.scoped_commands}
    assert scopes == {("chat", STAFF["id"])}
    help_text = (await TelegramConversation(desk, ANA).send("/help"))[0].text
    assert not any(f"/{c}" in help_text for c in STAFF_COMMANDS)
    assert all(f"/{c}" in help_text for c in OWNER_COMMANDS)


async def test_without_staff_no_scoped_menu_is_set(tg: BotHarness) -> None:
    assert tg.fake.scoped_commands == {}
    await tg.settle(tg.fake.send_text(ANA, "/triage bakery"))
    assert tg.fake.chat_messages(ANA["id"])[-1].text.startswith("Sorry, this command")


# --- cases --------------------------------------------------------------------------------


async def test_a_case_is_stored_with_its_label_and_the_staff_member(desk: BotHarness) -> None:
    staff = TelegramConversation(desk, STAFF)
    replies = await staff.send("/case Ticket 4521")
    assert "Case “Ticket 4521”" in replies[0].text
    await staff.send("bookkeeping for small shops")
    for label in ANSWERS:
        replies = await staff.press(label)
    summary = replies[-1].text
    assert summary.startswith("Case: Ticket 4521\nBusiness: bookkeeping for small shops")
    assert "Deciding answers:" in summary and "Top tactics:" in summary
    (row,) = list(desk.store.iter_results())
    assert row["case_label"] == "Ticket 4521"
    assert row["staff_id"] == STAFF["id"] and row["user_id"] is None
    assert desk.store.results_for(STAFF["id"]) == []  # a case is not the staff's own result
    # The caller's result comes with its picture too.
    (photo,) = desk.fake.chat_files(STAFF["id"], "photo")
    assert Image.open(io.BytesIO(photo.data)).width == 1080


async def test_a_case_taken_in_reply_to_a_callers_message_is_forgotten_with_them(
    desk: BotHarness,
) -> None:
    question = desk.fake.send_text(BORIS, "hi, can you check my shop?", chat=GROUP)
    await desk.settle(question)
    callers_message = desk.fake._history[question]["message"]
    case = desk.fake.message_update(
        STAFF,
        GROUP,
        text="/case Boris shop",
        entities=[{"type": "bot_command", "offset": 0, "length": 5}],
        reply_to_message=callers_message,
    )
    await desk.settle(desk.fake.send_raw(case))
    state = desk.state_of(STAFF, GROUP["id"])
    assert state.case_label == "Boris shop" and state.case_subject == BORIS["id"]
    reply_to = desk.fake.chat_messages(GROUP["id"])[-1]
    await desk.settle(desk.fake.send_text(STAFF, "florist", chat=GROUP, reply_to=reply_to))
    for label in ANSWERS:
        message = desk.fake.last_with_buttons(GROUP["id"])
        assert message is not None
        data = next(b["callback_data"] for b in message.flat_buttons if b["text"] == label)
        await desk.settle(desk.fake.press(STAFF, message, data))
    (row,) = desk.store.results_for(BORIS["id"])
    assert row["case_label"] == "Boris shop" and row["staff_id"] == STAFF["id"]
    boris = TelegramConversation(desk, BORIS)
    await boris.send("/forget")
    await boris.press("Yes, delete everything")
    assert list(desk.store.iter_results()) == []
    assert not [v for v in _all_values(desk.store) if v[2] == BORIS["id"]]


# --- /forget --------------------------------------------------------------------------------


async def test_after_forget_no_table_and_no_byte_of_the_file_holds_the_user(
    desk: BotHarness,
) -> None:
    marker = "Zanzibar-unicorn-patisserie"
    ana = TelegramConversation(desk, ANA)
    await _finish(ana, f"{marker} for weddings")
    await ana.send("/history")
    await _finish(TelegramConversation(desk, BORIS))
    assert any(v[2] == ANA["id"] for v in _all_values(desk.store))
    await ana.send("/forget")
    await ana.press("Yes, delete everything")
    assert [v for v in _all_values(desk.store) if v[2] == ANA["id"]] == []
    assert len(desk.store.results_for(BORIS["id"])) == 1  # the others' data stays
    raw = b"".join(p.read_bytes() for p in desk.store.path.parent.glob(desk.store.path.name + "*"))
    assert marker.encode() not in raw


async def test_forget_keeps_cases_a_staff_member_took_without_their_id(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    row = ResultRow(
        chat_id=STAFF["id"],
        user_id=None,
        finished_at="2026-03-01T10:00:00+00:00",
        lang="en",
        business="x",
        model="client",
        score=80,
        confidence=70,
        confidence_label="high",
        answers="{}",
        tactics="[]",
        case_label="T-1",
        staff_id=STAFF["id"],
    )
    store.db["results"].insert(row.model_dump())
    store.forget(STAFF["id"])
    (kept,) = list(store.iter_results())
    assert kept["case_label"] == "T-1" and kept["staff_id"] is None and kept["chat_id"] is None


# --- /history, /recent, /stats, /export ------------------------------------------------------


async def test_history_shows_past_results_and_what_changed(desk: BotHarness) -> None:
    ana = TelegramConversation(desk, ANA)
    assert "Nothing stored for you yet" in (await ana.send("/history"))[0].text
    await _finish(ana)
    await ana.send("/restart")
    await ana.send("law firm")
    for label in ["No", *ANSWERS[2:]]:  # without a contract, no commitment question
        await ana.press(label)
    text = (await ana.send("/history"))[0].text
    assert text.count("/100") == 2
    assert "What changed since the time before:" in text
    assert "Yes, usually → No" in text


async def test_staff_data_goes_to_the_private_chat_even_when_asked_in_a_group(
    desk: BotHarness,
) -> None:
    await _finish(TelegramConversation(desk, ANA))
    await desk.settle(desk.fake.send_text(STAFF, "/stats", chat=GROUP))
    await desk.settle(desk.fake.send_text(STAFF, "/recent", chat=GROUP))
    assert desk.fake.chat_messages(GROUP["id"]) == []
    texts = [m.text for m in desk.fake.chat_messages(STAFF["id"])]
    assert any(
        t.startswith("Results since the start: 1") and "client-based (1)" in t for t in texts
    ), texts
    assert any(t.startswith("Latest results") and "#1 " in t for t in texts)
    (chart,) = desk.fake.chat_files(STAFF["id"], "photo")
    assert Image.open(io.BytesIO(chart.data)).format == "JPEG"


async def test_staff_data_in_a_group_asks_for_a_private_chat_first(desk: BotHarness) -> None:
    desk.fake.block_chat(STAFF["id"])
    await desk.settle(desk.fake.send_text(STAFF, "/recent", chat=GROUP))
    (note,) = desk.fake.chat_messages(GROUP["id"])
    assert note.text.startswith("I send staff data only in a private chat")


async def test_stats_and_export_refuse_a_bad_date(desk: BotHarness) -> None:
    replies = await TelegramConversation(desk, STAFF).send("/export yesterday")
    assert replies[0].text.startswith("Write the date as YYYY-MM-DD")
    assert desk.fake.files == {}


LANG_TEXTS = {
    "en": "corner bakery",
    "id": "toko roti di pojok",
    "th": "ร้านเบเกอรี่หัวมุม",
    "tr": "köşedeki fırın",
    "ru": "пекарня на углу",
    "ro": "brutăria din colț",
}


async def test_export_round_trips_in_all_six_languages(desk: BotHarness) -> None:
    for n, (lang, business) in enumerate(LANG_TEXTS.items()):
        desk.store.db["results"].insert(
            ResultRow(
                chat_id=1000 + n,
                user_id=1000 + n,
                finished_at=f"2026-02-0{n + 1}T09:00:00+00:00",
                lang=lang,
                business=business,
                model=["client", "customer", "hybrid"][n % 3],
                score=10 * n,
                confidence=50 + n,
                confidence_label="medium",
                answers=json.dumps({"contract": "yes", "exclusivity": "not_sure"}),
                tactics=json.dumps(["quarterly_review", "loyalty_card"][: n % 3]),
                case_label=f"Дело {n}" if n % 2 else None,
                staff_id=STAFF["id"] if n % 2 else None,
            ).model_dump()
        )
    await desk.settle(desk.fake.send_text(STAFF, "/export 2026-02-02"))
    (document,) = desk.fake.chat_files(STAFF["id"], "document")
    assert document.filename.endswith(".csv")
    assert document.data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets look for
    parsed = list(csv.DictReader(io.StringIO(document.data.decode("utf-8-sig"))))
    stored = list(desk.store.iter_results("2026-02-02"))
    assert len(parsed) == len(stored) == 5
    for got, row in zip(parsed, stored, strict=True):
        for column in (
            "id",
            "finished_at",
            "lang",
            "business",
            "model",
            "score",
            "confidence",
            "confidence_label",
            "case_label",
            "staff_id",
            "user_id",
            "chat_id",
        ):
            value = row[column]
            assert got[column] == ("" if value is None else str(value)), column
        tactics = got["tactics"].split(";") if got["tactics"] else []
        assert tactics == json.loads(row["tactics"])
        assert got["contract"] == "yes" and got["exclusivity"] == "not_sure"
    assert {g["business"] for g in parsed} == set(list(LANG_TEXTS.values())[1:])
    assert "5" in (document.caption or "")
