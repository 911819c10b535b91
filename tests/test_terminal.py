"""The terminal chat, piped like a script, through the real console entry points."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.terminal import run_terminal
from dialogs.engine import Engine
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


def _bot(
    settings: dict[str, str], args: list[str] | None = None, stdin: str = "", program: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m bot *args`` (or ``program``) with only ``settings`` configured."""
    command = [program] if program else [sys.executable, "-m", "bot"]
    return subprocess.run(
        [*command, *(args or [])],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_env(**settings),
        timeout=60,
    )


def test_python_dash_m_bot_without_token_opens_the_terminal_chat() -> None:
    result = _bot({}, stdin=LAW_FIRM)
    assert result.returncode == 0, result.stderr
    assert "Your model: CLIENT-BASED" in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "clientwise"
    result = _bot({}, ["validate"], program=str(script))
    assert result.returncode == 0, result.stderr
    assert "knowledge OK" in result.stdout


def test_bad_setting_is_one_line_and_exit_2() -> None:
    result = _bot({"PORT": "not-a-port"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "PORT" in result.stderr and "Traceback" not in result.stderr


def test_blank_token_means_terminal_chat() -> None:
    result = _bot({"TELEGRAM_BOT_TOKEN": ""}, stdin=LAW_FIRM)
    assert result.returncode == 0 and "Your model: CLIENT-BASED" in result.stdout


@pytest.mark.parametrize(
    ("env", "args", "variable"),
    [
        ({"CLIENTWISE_ADMIN_IDS": "abc"}, [], "CLIENTWISE_ADMIN_IDS"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, [], "TELEGRAM_BOT_TOKEN"),
        (
            {"TELEGRAM_BOT_TOKEN": "123456:" + "a" * 30, "WEBHOOK_URL": "https://x.example/t"},
            ["run", "--mode", "webhook"],
            "WEBHOOK_SECRET",
        ),
        ({"WEBHOOK_SECRET": "spaces are not allowed"}, [], "WEBHOOK_SECRET"),
        ({"CLIENTWISE_LOG_LEVEL": "loud"}, [], "CLIENTWISE_LOG_LEVEL"),
        ({}, ["run", "--mode", "polling"], "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(env: dict, args: list[str], variable: str) -> None:
    result = _bot(env, args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert variable in result.stderr and "Traceback" not in result.stderr


def test_triage_command_prints_one_json_object() -> None:
    result = _bot({}, ["triage", "--json", "law firm, retainer agreements, clients stay for years"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == "client" and data["business_type"] == "law_firm"
    assert data["answers"]["contract"] == "usually"
    assert {"score", "confidence", "signals", "ask_next"} <= data.keys()


@pytest.mark.parametrize(
    ("args", "kind", "field", "value"),
    [
        (["--question", "contract", "we never sign anything"], "option", "option", "never"),
        (["--question", "sales_cycle", "weeks or months"], "ambiguous", "option", None),
        (["do online shops have clients?"], "faq", "faq", "ecommerce"),
        (["banana"], "none", "faq", None),
    ],
)
def test_match_command(args: list[str], kind: str, field: str, value: object) -> None:
    result = _bot({}, ["match", "--json", *args])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == kind and data[field] == value
