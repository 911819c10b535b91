"""What a typed answer at a choice question means (``interpret_answer``).

The option (see ``matching``), a signal phrase pointing at this question ("we never sign
anything" → No), a FAQ question, an unanswerable question, an ambiguity to ask about,
the owner stepping away, or nothing (re-ask, never guess). Deterministic and fast: every
index it reads was built at start-up (``knowledge.index``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from knowledge.business import find_signals, signal_answers
from knowledge.chatter import is_chatter
from knowledge.explain import asks_to_explain
from knowledge.faq import STATEMENT_MARGIN, SURE_FAQ, FaqMatch, match_faq
from knowledge.matching import match_option
from knowledge.model import Knowledge
from knowledge.phrases import clean_text
from knowledge.questions import QuestionStrength, question_strength


class Interpretation(BaseModel):
    # "guess": a loose reading, to be confirmed by the owner before it counts.
    # "away": the owner stepped away ("wait, a customer came in"), nothing to answer.
    # "explain": the owner asks what this question means ("what counts as a contract?").
    kind: Literal["option", "guess", "faq", "unanswerable", "ambiguous", "away", "explain", "none"]
    option: str | None = None
    faq: str | None = None
    confidence: float = 0.0
    alternatives: list[str] = []
    via: Literal["label", "signal", "faq", ""] = ""


def interpret_answer(kb: Knowledge, question_id: str, text: str, lang: str) -> Interpretation:
    text = clean_text(text)
    scores = kb.settings.scores  # the ladder: exact, sure_option, take (classifier.yaml)
    found = match_option(kb, question_id, text, lang)
    # A question mark or a "what/how/why" opening makes a question outrank a loose
    # answer; "are always under contract" opens with "are" but answers the question.
    strength = question_strength(kb, text, lang)
    question = strength == QuestionStrength.SURE
    if found.score < scores.exact and asks_to_explain(kb, question_id, text, lang):
        # About the question on screen, before any FAQ topic: "what counts as a contract?"
        # here is not the FAQ on why contracts matter. An exact label or synonym still
        # answers.
        return Interpretation(kind="explain")
    if found.score < scores.exact and not question and is_chatter(kb, text, lang):
        # "wait, I'll come back to you" may hold answer-like words ("come back"); an
        # exact label or synonym still counts.
        return Interpretation(kind="away")
    # A typed option at sure_option wins even when the text ends with "?" ("yes?"); below
    # the take line (keyword votes) it is offered for confirmation, not taken.
    if found.option is not None and (found.score >= scores.sure_option or not question):
        kind: Literal["option", "guess"] = "guess" if found.score < scores.take else "option"
        return Interpretation(kind=kind, option=found.option, confidence=found.score, via="label")
    faq: FaqMatch | None = None
    if question or (strength and found.option is None):
        faq = match_faq(kb, text, lang)
        enough = kb.settings.faq_cutoff if question else SURE_FAQ
        if faq.id is not None and faq.score >= enough:
            return Interpretation(kind="faq", faq=faq.id, confidence=faq.score, via="faq")
        if question:
            return Interpretation(kind="unanswerable", confidence=faq.score)
    if found.ambiguous:
        return Interpretation(
            kind="ambiguous", alternatives=list(found.alternatives), confidence=found.score
        )
    here = [s for s in find_signals(kb, text, lang) if s.question == question_id]
    answer = signal_answers(here).get(question_id)
    if answer is not None:  # signals suggest, they never answer silently
        confidence = scores.signal_guess
        return Interpretation(kind="guess", option=answer, confidence=confidence, via="signal")
    faq = faq or match_faq(kb, text, lang)  # computed above for question-like texts
    if faq.id is not None and faq.score >= kb.settings.faq_cutoff + STATEMENT_MARGIN:
        return Interpretation(kind="faq", faq=faq.id, confidence=faq.score, via="faq")
    return Interpretation(kind="none")
