"""The terminal chat (piped like a script, and Ctrl-C on a real process) and its commands."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

import pytest

from bot.terminal import INTERRUPTED, run_terminal
from dialogs.conversation import command_event
from dialogs.engine import Engine
from dialogs.events import Help
from tests.processes import ROOT, clean_env

LAW_FIRM = "\n".join(
    [
        "1",
        "we are a law firm",
        "yes",
        "a year or more",
        "only us",
        "1",
        "tailored",
        "months",
        "few big",
        "by name",
        "referrals",
        "retainer",
        "a few",
        "3",
        "/quit",
    ]
)


def test_piped_chat_reaches_the_result(engine: Engine) -> None:
    out = io.StringIO()
    code = run_terminal(engine, "en", stdin=io.StringIO(LAW_FIRM + "\n"), stdout=out)
    text = out.getvalue()
    assert code == 0
    assert "Your model: CLIENT-BASED" in text
    assert "Clientwise summary" in text  # option 3 after the result
    assert "TELEGRAM_BOT_TOKEN" in text  # says how to go live
    assert "  1. Yes, usually" in text  # options are numbered


def test_end_of_input_says_goodbye(engine: Engine) -> None:
    out = io.StringIO()
    assert run_terminal(engine, "en", stdin=io.StringIO("1\n"), stdout=out) == 0
    assert out.getvalue().rstrip().endswith("Bye! Run it again any time.")


def _chat(engine: Engine, lines: list[str], lang: str = "en") -> str:
    out = io.StringIO()
    assert run_terminal(engine, lang, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0
    return out.getvalue()


def test_ctrl_c_says_goodbye_at_once() -> None:
    """The first Ctrl-C ends the chat (asyncio.run used to swallow it while reading)."""
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=clean_env(),
        # A shell running tests in the background may ignore SIGINT for its children.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert chat.stdout is not None
        seen = ""
        while "> " not in seen:  # the greeting and the prompt: now reading stdin
            seen += chat.stdout.read(1) or pytest.fail(f"chat ended early: {seen}")
        chat.send_signal(signal.SIGINT)
        # stdin stays open: closing it would end the chat by itself (end of input).
        chat.wait(timeout=20)
        assert chat.stderr is not None
        out, err = chat.stdout.read(), chat.stderr.read()
    finally:
        chat.kill()
        assert chat.stdin is not None
        chat.stdin.close()
    assert chat.returncode == INTERRUPTED == 0, err
    assert out.rstrip().endswith("Bye! Run it again any time.")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_forget_clears_the_session_after_a_yes(engine: Engine) -> None:
    kb = engine.kb
    text = _chat(engine, ["1", "we are a law firm", "yes", "/forget", "1", "/start"])
    assert kb.text("forget_confirm", "en") in text
    assert kb.text("forgotten", "en") in text
    after = text.split(kb.text("forgotten", "en"))[1]
    assert "You stopped at question" not in after  # nothing left to resume
    assert "In 12 quick questions" in after


def test_forget_keeps_the_answers_on_anything_but_yes(engine: Engine) -> None:
    kb = engine.kb
    text = _chat(engine, ["1", "we are a law firm", "yes", "/forget", "2", "/start"])
    assert kb.text("forget_kept", "en") in text and kb.text("forgotten", "en") not in text
    assert "You stopped at question 3" in text.split(kb.text("forget_kept", "en"))[1]


@pytest.mark.parametrize("lang", ["en", "ru", "th"])
def test_unknown_command_says_so_then_helps(engine: Engine, lang: str) -> None:
    text = _chat(engine, ["/foo"], lang)
    assert engine.kb.text("unknown_command", lang, command="/foo") in text
    assert engine.kb.text("help", lang) in text


def test_forget_is_no_unknown_command_where_the_transport_leaves_it() -> None:
    assert command_event("/forget") == Help()
    assert command_event("/foo@bot now") == Help(unknown="/foo")


def test_terminal_lines_follow_a_language_switch(engine: Engine) -> None:
    text = _chat(engine, ["/language ru"])
    assert text.rstrip().endswith(engine.kb.text("terminal_bye", "ru"))


def test_language_menu_marks_the_current_language_as_current(engine: Engine) -> None:
    kb = engine.kb
    text = _chat(engine, ["/language"], "ro")
    assert kb.text("language_current", "ro", language=kb.languages["ro"]) in text
    assert kb.text("terminal_selected", "ro") not in text  # not "(your answer)"


def test_a_question_explained_in_the_terminal_keeps_its_numbered_options(engine: Engine) -> None:
    # Issue 12 §5 and §4: the explanation, then the same question numbered ("1" answers
    # it); after the result, All tactics / Next / Previous / Why this verdict? by number.
    text = _chat(
        engine,
        ["1", "law firm", "what do you mean?", "1", "3", "1", "1", "1", "3", "1", "1", "1",
         "1", "2", "1", "1", "2", "2", "/quit"],
    )  # fmt: skip
    explained = text.index("paperwork signed before the work starts")
    assert text.index("  1. Yes, usually", explained) > explained
    assert "How long do those agreements usually run?" in text[explained:]  # "1" answered
    assert "Tactic 1/" in text and "Tactic 2/" in text
    assert text.index("  2. ◀ Previous") < text.rindex("Tactic 1/")  # back to tactic 1
    assert "Why:" in text[text.rindex("Tactic 1/") :]
