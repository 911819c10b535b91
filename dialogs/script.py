"""Scripted conversations: a YAML file of user steps and what each reply must show.

Format (one scenario per file, see tests/dialogs/)::

    name: Law firm comes out client-based
    lang: en
    staff: false                     # true: the user is on the transport's staff list
    steps:
      - send: /start                 # text or /command
        expect: "quick questions"    # text(s) the replies must contain
      - press: Start                 # a button, by label as the user sees it
        expect:
          contains: ["1/12"]
          not_contains: ["Back"]
          matches: "\\d+/\\d+"       # regular expression
          buttons: ["Yes, usually", "Not sure"]

Matching ignores case. ``run_script`` drives any ``Conversation``, so the same file
replays through the engine, the terminal or Telegram.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dialogs.conversation import Conversation
from dialogs.events import Reply
from knowledge.raw import read_yaml


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)
    matches: list[str] = Field(default_factory=list)
    buttons: list[str] = Field(default_factory=list)
    no_buttons: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, value: object) -> object:
        if isinstance(value, str):
            return {"contains": [value]}
        if isinstance(value, list):
            return {"contains": value}
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value


class ScriptStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    send: str | None = None
    press: str | None = None
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _one_action(self) -> ScriptStep:
        if (self.send is None) == (self.press is None):
            raise ValueError("each step needs exactly one of 'send' or 'press'")
        return self


class DialogScript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    lang: str = "en"
    user: str | None = None
    # Staff-only commands (/triage, /case) are refused unless the transport lists the
    # script's user as staff; the engine itself knows no staff (it is the caller's job).
    staff: bool = False
    steps: list[ScriptStep] = Field(min_length=1)


class ScriptFailure(AssertionError):
    pass


def load_script(path: Path) -> DialogScript:
    return DialogScript.model_validate(read_yaml(path))


def transcript_text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def check(expect: Expect, replies: list[Reply]) -> list[str]:
    """Problems with ``replies`` against ``expect`` (empty when all is well)."""
    text = transcript_text(replies)
    low = text.casefold()
    labels = [o.label.casefold() for r in replies for o in r.options]
    problems = [f"missing text {s!r}" for s in expect.contains if s.casefold() not in low]
    problems += [f"unexpected text {s!r}" for s in expect.not_contains if s.casefold() in low]
    problems += [
        f"no match for /{rx}/" for rx in expect.matches if not re.search(rx, text, re.I | re.M)
    ]
    problems += [f"missing button {b!r}" for b in expect.buttons if b.casefold() not in labels]
    problems += [f"unexpected button {b!r}" for b in expect.no_buttons if b.casefold() in labels]
    return problems


async def run_script(script: DialogScript, conversation: Conversation) -> None:
    for n, step in enumerate(script.steps, start=1):
        action = f"send {step.send!r}" if step.send is not None else f"press {step.press!r}"
        try:
            if step.send is not None:
                replies = await conversation.send(step.send)
            else:
                assert step.press is not None
                replies = await conversation.press(step.press)
        except LookupError as exc:
            raise ScriptFailure(f"step {n} ({action}): {exc}") from None
        problems = check(step.expect, replies)
        if problems:
            shown = "\n".join(
                r.text
                + ("\n  [" + "] [".join(o.label for o in r.options) + "]" if r.options else "")
                for r in replies
            )
            raise ScriptFailure(
                f"step {n} ({action}) in {script.name!r}: "
                + "; ".join(problems)
                + f"\n--- bot replied ---\n{shown}"
            )
