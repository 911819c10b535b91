"""The dialog state of one conversation: small, versioned, JSON-serialisable.

Transports store it after every step (``state.model_dump_json()``) and read it back
with ``DialogState.model_validate_json``; nothing else about a conversation is kept in
memory, so a restart loses nothing.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

STATE_VERSION: Final = 1

Phase = Literal["new", "welcome", "triage", "asking", "done"]


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    option: str | None = None  # chosen option id (or "not_sure")
    text: str | None = None  # what was typed, for text questions


class DialogState(BaseModel):
    version: Literal[1] = STATE_VERSION
    lang: str = "en"
    phase: Phase = "new"
    step: str | None = None
    # Steps answered on the way to the current one, oldest first; Back pops from here.
    history: list[str] = Field(default_factory=list)
    # Kept across Back, so a revisited question shows (and can keep) its earlier answer.
    answers: dict[str, Answer] = Field(default_factory=dict)
    # Bumped whenever a new set of options is shown, so transports can spot stale buttons.
    turn: int = 0
    # Options offered by a "did you mean A or B?" prompt, if one is open.
    pending_choices: list[str] = Field(default_factory=list)
    # Business type matched from the description (knowledge/businesses.yaml id).
    business_id: str | None = None
    # Answers guessed from typed text (description, /triage): shown pre-selected, counted
    # only once the owner confirms them.
    prefilled: dict[str, str] = Field(default_factory=dict)
    # A staff case (/case): the questionnaire is run on behalf of a caller; the label
    # (a name, a ticket number) and, when the transport knows it, the caller's user id.
    case_label: str | None = None
    case_subject: int | None = None

    def choice_answers(self) -> dict[str, str]:
        return {qid: a.option for qid, a in self.answers.items() if a.option is not None}
