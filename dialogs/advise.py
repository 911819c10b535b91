"""Verdict and plan for a description and a set of answers, without a conversation.

``advise`` is what ``clientwise advise`` prints and what ``bench.eval`` measures plan fit
with: it reads the description the way question 1 of the chat does, drops answers the
questionnaire would not have asked (e.g. how long contracts run after "never"), and asks
the engine for the outcome, so scripts get exactly the advice an owner would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dialogs.engine import Engine
from dialogs.render import Outcome
from dialogs.state import Answer, DialogState
from knowledge.business import read_description
from knowledge.language import detect_language
from knowledge.model import NOT_SURE
from knowledge.phrases import clean_text


@dataclass(frozen=True)
class Advised:
    outcome: Outcome
    # The language the description was read in, and the business type it names.
    lang: str
    business_id: str | None


class UnknownAnswer(ValueError):
    """An answer names a question or option the knowledge files do not have."""


def advise(
    engine: Engine,
    business: str,
    answers: Mapping[str, str],
    lang: str | None = None,
) -> Advised:
    """The outcome for ``business`` (free text, may be empty) and ``answers`` (question
    id -> option id)."""
    kb = engine.kb
    for qid, oid in answers.items():
        question = kb.questions.get(qid)
        if question is None or question.kind != "choice":
            raise UnknownAnswer(f"unknown question '{qid}'")
        if oid != NOT_SURE and kb.option(qid, oid) is None:
            valid = ", ".join(o.id for o in question.options)
            raise UnknownAnswer(f"'{oid}' is not an option of '{qid}' ({valid}, {NOT_SURE})")
    text = clean_text(business or "").strip()
    if lang is None:
        lang = detect_language(kb, text, default="en") if text else "en"
    state = DialogState(lang=lang, phase="done")
    if text:
        named, _ = read_description(kb, text, lang)
        state.business_id = named[0].id if named else None
        state.answers["business"] = Answer(text=text)
    for qid, oid in answers.items():
        state.answers[qid] = Answer(option=oid)
    return Advised(engine.outcome(state), lang, state.business_id)


def plan_for_business(engine: Engine, business_id: str) -> Outcome:
    """The outcome for a business type's typical owner (its name as the description)."""
    business = engine.kb.business(business_id)
    if business is None:
        raise KeyError(business_id)
    state = DialogState(phase="done", business_id=business.id)
    state.answers["business"] = Answer(text=business.name["en"])
    for qid, oid in business.typical.items():
        state.answers[qid] = Answer(option=oid)
    return engine.outcome(state)
