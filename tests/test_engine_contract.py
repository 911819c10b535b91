"""What the engine hands a transport (issue 11): the outcome of the finishing turn, one
command table for every transport, the welcome's numbers taken from its buttons, and
the summary's signal lines from the message files."""

from __future__ import annotations

import copy

import pytest

from bot.staff import STAFF_COMMANDS
from bot.telegram_bot import COMMANDS as TELEGRAM_COMMANDS
from dialogs import render
from dialogs.conversation import COMMANDS, MENU, TRANSPORT_COMMANDS, command_event
from dialogs.engine import Engine
from dialogs.events import Choose, Help, Language, Start, Triage, Typed
from dialogs.flow import Flow
from dialogs.state import DialogState
from knowledge.model import Knowledge


def _finish(engine: Engine) -> list:
    """Every turn of a whole questionnaire for a florist, answering the first option."""
    state = DialogState(lang="en")
    turns = [engine.step(state, Start(name="Ana"))]
    turns.append(engine.step(turns[-1].state, Choose(option=render.BEGIN)))
    turns.append(engine.step(turns[-1].state, Typed(text="florist")))
    while turns[-1].state.phase == "asking":
        state = turns[-1].state
        assert state.step is not None
        first = engine.kb.questions[state.step].options[0].id
        turns.append(engine.step(state, Choose(option=first, turn=state.turn)))
    return turns


def test_only_the_finishing_turn_carries_its_outcome(engine: Engine) -> None:
    turns = _finish(engine)
    assert [t.outcome is not None for t in turns] == [False] * (len(turns) - 1) + [True]
    last = turns[-1]
    assert last.state.phase == "done"
    assert last.outcome == engine.outcome(last.state)
    # Asking for the summary or the why afterwards finishes nothing again.
    again = engine.step(last.state, Choose(option=render.SUMMARY, turn=last.state.turn))
    assert again.outcome is None


def test_telegram_lists_the_shared_command_table() -> None:
    assert (*COMMANDS, *TRANSPORT_COMMANDS) == MENU
    # Everyone's menu is the shared table without the staff commands (bot/staff.py).
    assert tuple(c for c in MENU if c not in STAFF_COMMANDS) == TELEGRAM_COMMANDS
    assert {"triage", "case"} <= set(COMMANDS) & set(STAFF_COMMANDS)
    for name in COMMANDS:  # each is read as itself, never as an unknown command
        event = command_event(f"/{name}")
        assert event is not None and getattr(event, "unknown", None) is None, name
    for name in TRANSPORT_COMMANDS:
        assert command_event(f"/{name}") == Help()


@pytest.mark.parametrize(
    ("text", "event"),
    [
        # The words after a command as Telegram's context.args has them: split on blanks,
        # joined by one space; the command name ends at the first blank.
        ("/triage law  firm,\nretainer", Triage(text="law firm, retainer")),
        ("/triage\nbakery", Triage(text="bakery")),
        ("/start@clientwise_bot  from_site ", Start(name="Ana", payload="from_site")),
        ("/start", Start(name="Ana", payload=None)),
        ("/language\tRU", Language(lang="ru")),
        ("/language", Language(lang=None)),
        ("/Frobnicate@bot now", Help(unknown="/Frobnicate")),
        ("/", Help(unknown="/")),
        ("hello /start", None),
    ],
)
def test_a_command_and_its_words_are_read_once_the_telegram_way(text: str, event: object) -> None:
    assert command_event(text, "Ana") == event


def test_typed_numbers_at_the_welcome_follow_its_buttons(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = engine.step(DialogState(lang="en"), Start(name="Ana")).state
    assert engine.step(state, Typed(text="1")).state.phase == "asking"  # Start
    assert engine.step(state, Typed(text="2")).state.phase == "welcome"  # Explain
    shown = render.welcome_options(engine.kb, "en")
    monkeypatch.setattr(render, "welcome_options", lambda kb, lang: list(reversed(shown)))
    assert engine.step(state, Typed(text="1")).state.phase == "welcome"  # now Explain
    assert engine.step(state, Typed(text="2")).state.phase == "asking"  # now Start


def test_the_summary_lists_signals_in_the_message_files_format(
    kb: Knowledge, flow: Flow
) -> None:
    messages = copy.deepcopy(kb.messages)
    messages["summary_signal"]["en"] = "<{name} = {answer}>"
    changed = copy.copy(kb)
    object.__setattr__(changed, "messages", messages)
    engine = Engine(changed, flow)
    done = _finish(engine)[-1]
    assert done.outcome is not None and done.outcome.verdict.reasons
    text = render.summary(changed, done.state, done.outcome).text
    reason = next(r for r in done.outcome.verdict.reasons if r.question in kb.questions)
    answer = kb.option_label(reason.question, reason.option, "en")
    assert f" = {answer}>" in text, text
