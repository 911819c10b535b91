"""The command line (``python -m bot``, the ``clientwise`` script): settings errors,
``triage`` and ``match``, ``--lang``, run as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dialogs.engine import Engine
from tests.processes import ROOT, clean_env
from tests.test_terminal import LAW_FIRM


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


def test_blank_token_means_terminal_chat() -> None:
    result = _bot({"TELEGRAM_BOT_TOKEN": ""}, stdin=LAW_FIRM)
    assert result.returncode == 0 and "Your model: CLIENT-BASED" in result.stdout


@pytest.mark.parametrize(
    ("env", "args", "variable"),
    [
        ({"PORT": "not-a-port"}, [], "PORT"),
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
def test_bad_settings_are_one_line_and_exit_2(
    env: dict[str, str], args: list[str], variable: str
) -> None:
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
        (["--question", "contract", "what counts as a contract?"], "explain", "option", None),
        (["banana"], "none", "faq", None),
    ],
)
def test_match_command(args: list[str], kind: str, field: str, value: object) -> None:
    result = _bot({}, ["match", "--json", *args])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == kind and data[field] == value


@pytest.mark.parametrize(
    "args",
    [
        ["chat", "--lang", "ru-RU"],
        ["--lang", "RU"],
        ["triage", "--lang", "Ru", "юридическая фирма"],
        ["match", "--lang", "ru-ru", "да"],
    ],
)
def test_lang_accepts_regional_and_upper_case_codes(engine: Engine, args: list[str]) -> None:
    result = _bot({}, args)
    assert result.returncode == 0, result.stderr
    if "triage" not in args and "match" not in args:
        assert engine.kb.text("terminal_bye", "ru") in result.stdout


@pytest.mark.parametrize("command", [["chat"], ["triage"], ["match"]])
def test_unknown_lang_is_one_line_listing_the_codes(command: list[str]) -> None:
    result = _bot({}, [*command, "--lang", "pt-BR", *(["x"] if command != ["chat"] else [])])
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "pt-BR" in result.stderr and "en, id, ro, ru, th, tr" in result.stderr
