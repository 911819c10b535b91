"""One small interface to drive a conversation, whatever the transport.

``Conversation`` is what the terminal chat, the YAML dialog scripts and the Telegram
end-to-end tests all use: send a text or a /command, press a button by its label (or
id), get the bot's replies back. ``LocalConversation`` drives the engine in-process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from dialogs.engine import Engine
from dialogs.events import (
    Back,
    Cancel,
    Case,
    Choose,
    Event,
    Help,
    Language,
    Reply,
    ReplyOption,
    Restart,
    Start,
    Triage,
    Typed,
)
from dialogs.state import DialogState
from knowledge.phrases import normalise

# Every command a user can type, in the order the menus list them, and the event it
# becomes from the words after it (joined by single spaces, as Telegram's ``context.args``).
COMMANDS: dict[str, Callable[[str, str | None], Event]] = {
    "start": lambda arg, name: Start(name=name, payload=arg or None),
    "help": lambda arg, name: Help(),
    "back": lambda arg, name: Back(),
    "restart": lambda arg, name: Restart(),
    "triage": lambda arg, name: Triage(text=arg),
    "case": lambda arg, name: Case(label=arg),
    "language": lambda arg, name: Language(lang=arg.casefold() or None),
    "cancel": lambda arg, name: Cancel(),
}
# Commands a transport answers itself (Telegram deletes stored data on /forget); where
# none does, they get the plain help, as they are listed in it.
TRANSPORT_COMMANDS = ("forget", "history")
MENU = (*COMMANDS, *TRANSPORT_COMMANDS)
MAX_COMMAND = 32  # Telegram's limit for a command name; longer typed text is cut when echoed
# "/name@bot rest": the name runs to the first blank (Telegram's command entity).
COMMAND = re.compile(r"/(\S*)(.*)", re.S)


class ButtonNotFound(LookupError):
    """A script pressed a button that the last question did not show."""


class Conversation(Protocol):
    async def send(self, text: str) -> list[Reply]: ...

    async def press(self, button: str) -> list[Reply]: ...


def command_event(text: str, name: str | None = None) -> Event | None:
    """The engine event for a /command, or None when the text is not a command."""
    found = COMMAND.fullmatch(text)
    if found is None:
        return None
    head, rest = found.groups()
    command = head.split("@", 1)[0]  # "/start@MyBot" in groups
    make = COMMANDS.get(command.casefold())
    if make is not None:
        return make(" ".join(rest.split()), name)
    if command.casefold() in TRANSPORT_COMMANDS:
        return Help()
    # Unknown commands get the help text rather than being taken as an answer.
    return Help(unknown="/" + command[:MAX_COMMAND])


def find_option(replies: list[Reply], button: str) -> tuple[ReplyOption, int | None] | None:
    """The newest option whose id or label matches ``button`` (case/accents ignored)."""
    wanted = normalise(button)
    for reply in reversed(replies):
        for option in reply.options:
            if option.id == button or normalise(option.label) == wanted:
                return option, reply.turn
    return None


class LocalConversation:
    """Drives an ``Engine`` in-process; the state is kept on the object."""

    def __init__(self, engine: Engine, state: DialogState | None = None, name: str | None = None):
        self.engine = engine
        self.state = state or DialogState()
        self.name = name
        self.last: list[Reply] = []

    def handle(self, event: Event) -> list[Reply]:
        turn = self.engine.step(self.state, event)
        self.state = turn.state
        if any(r.options for r in turn.replies):
            self.last = turn.replies
        return turn.replies

    async def send(self, text: str) -> list[Reply]:
        event = command_event(text.strip(), self.name) or Typed(text=text)
        return self.handle(event)

    async def press(self, button: str) -> list[Reply]:
        found = find_option(self.last, button)
        if found is None:
            shown = [o.label for r in self.last for o in r.options]
            raise ButtonNotFound(f"no button {button!r}; shown: {shown}")
        option, turn = found
        return self.handle(Choose(option=option.id, turn=turn))
