"""Ranks the tactics in tactics.yaml for one owner's answers, trade family and verdict.

A tactic is a candidate when it fits the verdict's model, its ``requires`` holds, no
``unless`` condition matches the owner (see ``allowed``) and no matching advice rule says
to avoid it. Its points = ``model_fit_points`` + the boost of every relevance rule its
answers match (+ ``prefer_points`` when a matching advice prefers it, +
``family_fit_points`` when it ``fits`` the owner's trade family). The plan takes the best
``max_tactics``, dropping unmatched tactics beyond ``min_tactics``, so two owners with
different answers or trades get different plans.

Nothing here may contradict the owner: a condition on an answer only ever matches an
answer actually given, and every "because" names one.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from knowledge.classifier import Verdict
from knowledge.model import NOT_SURE, Knowledge, pick
from knowledge.schema import Condition, Tactic


class PickedTactic(BaseModel):
    id: str
    points: int
    # (question id, option id) pairs that made the tactic relevant.
    because: list[tuple[str, str]]
    preferred: bool = False
    # Chosen partly because it suits the owner's trade family.
    trade: bool = False


class Plan(BaseModel):
    tactics: list[PickedTactic]
    advice: list[str]
    # The owner's trade family, None when no business type was recognised (the plan then
    # rests on the answers alone).
    family: str | None = None


def matches(condition: Mapping[str, list[str]], answers: Mapping[str, str]) -> bool:
    """All questions in the condition were answered with one of the listed options."""
    return all(answers.get(qid) in allowed for qid, allowed in condition.items())


def condition_matches(condition: Condition, family: str | None, answers: Mapping[str, str]) -> bool:
    """The owner is in one of the families (if any are named) and gave all the answers."""
    in_family = not condition.families or family in condition.families
    return in_family and matches(condition.answers, answers)


def requirement_holds(
    condition: Condition | None, family: str | None, answers: Mapping[str, str]
) -> bool:
    """A family list needs a known family in it; an answer list is broken only by an
    answer actually given outside it (an unanswered or "not sure" question breaks
    nothing: it contradicts nothing)."""
    if condition is None:
        return True
    if condition.families and family not in condition.families:
        return False
    return all(
        answers.get(qid) in (None, NOT_SURE) or answers[qid] in options
        for qid, options in condition.answers.items()
    )


def allowed(tactic: Tactic, family: str | None, answers: Mapping[str, str]) -> bool:
    return requirement_holds(tactic.requires, family, answers) and not any(
        condition_matches(c, family, answers) for c in tactic.unless
    )


def first_step(tactic: Tactic, family: str | None, lang: str) -> str:
    """The first step in the words of the owner's trade where the tactic has them."""
    worded = tactic.first_step_for.get(family or "")
    return pick(worded if worded is not None else tactic.first_step, lang)


def family_of(kb: Knowledge, business_id: str | None) -> str | None:
    business = kb.business(business_id)
    return business.family if business is not None else None


def recommend(
    kb: Knowledge,
    answers: Mapping[str, str],
    verdict: Verdict,
    family: str | None = None,
) -> Plan:
    cfg = kb.settings
    advice = [a for a in kb.advice if verdict.model in a.models and matches(a.when, answers)]
    # "Avoid" wins over "prefer": advice against a tactic is the stronger statement
    # (a one-product store is told not to convert even where another rule likes it).
    avoided = {tid for a in advice for tid in a.avoid}
    preferred = {tid for a in advice for tid in a.prefer} - avoided

    ranked: list[tuple[int, int, PickedTactic]] = []
    for order, tactic in enumerate(kb.tactics):
        if verdict.model not in tactic.models or tactic.id in avoided:
            continue
        if not allowed(tactic, family, answers):
            continue
        points = cfg.model_fit_points
        because: list[tuple[str, str]] = []
        for rule in tactic.relevant_when:
            if matches(rule.when, answers):
                points += rule.boost
                because.extend((q, answers[q]) for q in rule.when if (q, answers[q]) not in because)
        is_preferred = tactic.id in preferred
        if is_preferred:
            points += cfg.prefer_points
        trade = family is not None and family in tactic.fits
        if trade:
            points += cfg.family_fit_points
        picked = PickedTactic(
            id=tactic.id, points=points, because=because, preferred=is_preferred, trade=trade
        )
        ranked.append((-points, order, picked))
    ranked.sort(key=lambda item: (item[0], item[1]))

    chosen: list[PickedTactic] = []
    for _, _, picked in ranked:
        relevant = bool(picked.because) or picked.preferred or picked.trade
        if len(chosen) >= cfg.max_tactics or (not relevant and len(chosen) >= cfg.min_tactics):
            break
        chosen.append(picked)
    return Plan(tactics=chosen, advice=[a.id for a in advice], family=family)
