"""What a transport tells the engine (events) and what the engine answers (replies).

Both are plain pydantic models with no transport types in them: Telegram, the terminal
chat and the scripted tests all speak in these terms.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class Start(BaseModel):
    kind: Literal["start"] = "start"
    name: str | None = None
    payload: str | None = None


class Choose(BaseModel):
    kind: Literal["choose"] = "choose"
    option: str
    # The turn the button was shown on; None when the transport has no stale buttons.
    turn: int | None = None


class Typed(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class Back(BaseModel):
    kind: Literal["back"] = "back"


class Restart(BaseModel):
    kind: Literal["restart"] = "restart"


class Help(BaseModel):
    kind: Literal["help"] = "help"
    # The unknown /command that brought the help up, said back to the user first.
    unknown: str | None = None


class Cancel(BaseModel):
    kind: Literal["cancel"] = "cancel"


class Language(BaseModel):
    """/language: show the choice (``lang`` None) or switch to ``lang``."""

    kind: Literal["language"] = "language"
    lang: str | None = None


class Triage(BaseModel):
    """A one-line description for a quick provisional verdict (/triage)."""

    kind: Literal["triage"] = "triage"
    text: str


class Case(BaseModel):
    """Start a questionnaire on behalf of a caller (/case <label>); ``subject`` is the
    caller's user id when the transport knows it (a reply to their message)."""

    kind: Literal["case"] = "case"
    label: str
    subject: int | None = None


Event = Annotated[
    Start | Choose | Typed | Back | Restart | Help | Cancel | Triage | Language | Case,
    Field(discriminator="kind"),
]

ReplyKind = Literal["question", "info", "notice", "result"]


class ReplyOption(BaseModel):
    id: str
    label: str
    selected: bool = False


class Reply(BaseModel):
    kind: ReplyKind
    text: str
    options: list[ReplyOption] = Field(default_factory=list)
    # Set on replies whose options belong to a turn (see DialogState.turn).
    turn: int | None = None
