"""A provisional verdict from one line a caller said (``triage``, the /triage command).

The business type and the signals of the line (``business.read_description``) answer
what they can; the classifier weighs them with the business type as a prior. One line is
too short for the weighted shares of a questionnaire, so two more rules make it hybrid:
a signal for each side, or a turn to "the rest" of the buyers without the first side.
"""

from __future__ import annotations

from pydantic import BaseModel

from knowledge.business import (
    BusinessMatch,
    FoundSignal,
    covers,
    find_signals,
    read_description,
    signal_answers,
    span_of,
)
from knowledge.classifier import Verdict, classify
from knowledge.model import Knowledge, with_english
from knowledge.phrases import PhraseIndex, clean_text


class TriageResult(BaseModel):
    text: str
    business: BusinessMatch | None
    signals: list[FoundSignal]
    answers: dict[str, str]
    verdict: Verdict
    ask_next: list[str]
    # False when the text names no business type and no signal ("hello"): the verdict is
    # then only the empty default and must not be shown as a reading.
    informative: bool = True


def build_other_group_index(kb: Knowledge, lang: str) -> PhraseIndex:
    """ "…, the rest …", "everyone else …": a turn to a second group of buyers."""
    markers = with_english(kb.signals_file.other_group_markers, lang)
    return PhraseIndex({"other": markers}, token_cutoff=100.0)


def _both_sides(kb: Knowledge, signals: list[FoundSignal], business: BusinessMatch | None) -> bool:
    """One line naming a client trait and a customer trait describes a hybrid.

    A description is too short for the weighted shares of a full questionnaire: "walk-ins
    for tyres and a fleet contract" carries one signal each way, and that *is* the hybrid
    pattern (contracts with some accounts, walk-in buyers for the rest).
    """
    # Every signal counts, even two that disagree about one question ("half one-off
    # buyers, half on subscriptions"): that disagreement is the hybrid pattern itself.
    leans = [option.lean for s in signals if (option := kb.option(s.question, s.option))]
    if business is not None and business.model != "hybrid":
        leans.append(1.0 if business.model == "client" else -1.0)
    return any(lean > 0 for lean in leans) and any(lean < 0 for lean in leans)


def _lean(kb: Knowledge, signals: list[FoundSignal]) -> float:
    return sum(o.lean for s in signals if (o := kb.option(s.question, s.option)))


def _other_group_differs(
    kb: Knowledge,
    text: str,
    lang: str,
    signals: list[FoundSignal],
    business: BusinessMatch | None,
) -> bool:
    """ "Contracts with schools, the rest is people off the street": a description that
    turns to a second group of buyers, after one side was named for the first group,
    and says nothing of that side for the second, describes two kinds of buyers."""
    marks = kb.index(lang).other_group.find(text)
    if not marks:
        return False
    turn = min(span_of(m) for m in marks)
    first = [s for s in signals if s.span < turn]
    rest = [s for s in signals if s.span > turn]
    lean = _lean(kb, first)
    if business is not None and business.span < turn and business.model != "hybrid":
        lean += 1.0 if business.model == "client" else -1.0
    if lean == 0:
        return False
    # The second group repeats the first's side ("others are on retainers too"): one kind.
    return not any(
        (o := kb.option(s.question, s.option)) is not None and o.lean * lean > 0 for s in rest
    )


def triage(kb: Knowledge, text: str, lang: str, classifying: list[str]) -> TriageResult:
    """A provisional verdict from one line; ``classifying`` = questions that count."""
    text = clean_text(text)
    named, signals = read_description(kb, text, lang)
    business = named[0] if named else None
    answers = signal_answers(signals)
    prior = (business.id, business.model) if business else None
    verdict = classify(kb, answers, expected=classifying, prior=prior)
    # The name of a hybrid trade may say which of its sides it is ("walk-in clinic"):
    # not an answer, but with a signal for the other side the line is two-sided.
    named_traits = (
        [s for s in find_signals(kb, text, lang) if covers(business.span, s.span)]
        if business is not None and business.model == "hybrid"
        else []
    )
    if verdict.model != "hybrid" and (
        _both_sides(kb, signals + named_traits, business)
        or _other_group_differs(kb, text, lang, signals, business)
    ):
        verdict = verdict.model_copy(update={"model": "hybrid", "hybrid_rule": "both_sides"})
    ask_next = sorted((q for q in classifying if q not in answers), key=lambda q: -kb.weight(q))[:4]
    return TriageResult(
        text=text,
        business=business,
        signals=signals,
        answers=answers,
        verdict=verdict,
        ask_next=ask_next,
        informative=business is not None or bool(signals),
    )
