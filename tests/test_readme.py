"""The README is kept true: every command a user can type is documented, and every
command, flag and setting the README names exists (in the spirit of sqlite-utils'
documentation tests)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.cli import _parser
from bot.config import Settings
from bot.staff import OWNER_COMMANDS, STAFF_COMMANDS
from bot.telegram_bot import COMMANDS as EVERYONES
from bot.terminal import QUIT

# Everyone's commands and the staff-only ones: all must be documented.
COMMANDS = (*EVERYONES, *OWNER_COMMANDS, *STAFF_COMMANDS)

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
# BotFather's own commands, quoted in the set-up steps.
OTHER_BOTS = {"newbot"}


def _section(title: str) -> str:
    """The text under a ``## title`` heading, up to the next heading of that level."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert found, f"README has no '## {title}' section"
    return found.group(1)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _flags(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def test_every_telegram_command_is_in_the_readme_command_list() -> None:
    listed = _section("Commands")
    missing = [c for c in COMMANDS if f"/{c}" not in listed]
    assert missing == [], f"commands missing from README's '## Commands': {missing}"


def test_every_terminal_command_is_in_the_readme_command_list() -> None:
    listed = _section("Commands")
    assert [q for q in sorted(QUIT) if q not in listed] == []


def test_every_command_the_readme_names_exists() -> None:
    named = set(re.findall(r"(?<![\w/.:<])/([a-z_]+)\b(?![/.\w])", README))
    known = set(COMMANDS) | {q.lstrip("/") for q in QUIT} | OTHER_BOTS
    assert sorted(named - known) == []


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_cli_subcommand_and_flag_is_documented(name: str) -> None:
    listed = _section("Command line")
    assert re.search(rf"clientwise {name}\b", listed), f"'clientwise {name}' not documented"
    flags = _flags(_subcommands()[name])
    assert sorted(f for f in flags if f not in listed) == []


def test_every_cli_subcommand_the_readme_names_exists() -> None:
    named = set(re.findall(r"\bclientwise ([a-z]+)\b", README))
    named |= set(re.findall(r'ARGS="([a-z]+)', README))
    assert sorted(named - set(_subcommands())) == []


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    variables = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        variables.add(str(choices[0]) if choices else str(alias or name.upper()))
    named = set(re.findall(r"`((?:TELEGRAM|CLIENTWISE|WEBHOOK)_[A-Z_]+|PORT)`", README))
    assert sorted(variables - named) == [], "settings missing from the README"
    assert sorted(named - variables) == [], "the README names settings that do not exist"
