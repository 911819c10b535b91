"""Ranks the tactics in tactics.yaml for one owner's answers and verdict.

A tactic is a candidate when it fits the verdict's model and no matching advice rule
says to avoid it. Its points = ``model_fit_points`` + the boost of every relevance rule
its answers match (+ ``prefer_points`` when a matching advice prefers it). The plan
takes the best ``max_tactics``, dropping unmatched tactics beyond ``min_tactics``, so
two owners with different answers get different plans.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from knowledge.classifier import Verdict
from knowledge.model import Knowledge


class PickedTactic(BaseModel):
    id: str
    points: int
    # (question id, option id) pairs that made the tactic relevant.
    because: list[tuple[str, str]]
    preferred: bool = False


class Plan(BaseModel):
    tactics: list[PickedTactic]
    advice: list[str]


def matches(condition: Mapping[str, list[str]], answers: Mapping[str, str]) -> bool:
    """All questions in the condition were answered with one of the listed options."""
    return all(answers.get(qid) in allowed for qid, allowed in condition.items())


def recommend(kb: Knowledge, answers: Mapping[str, str], verdict: Verdict) -> Plan:
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
        points = cfg.model_fit_points
        because: list[tuple[str, str]] = []
        for rule in tactic.relevant_when:
            if matches(rule.when, answers):
                points += rule.boost
                because.extend((q, answers[q]) for q in rule.when if (q, answers[q]) not in because)
        is_preferred = tactic.id in preferred
        if is_preferred:
            points += cfg.prefer_points
        picked = PickedTactic(id=tactic.id, points=points, because=because, preferred=is_preferred)
        ranked.append((-points, order, picked))
    ranked.sort(key=lambda item: (item[0], item[1]))

    chosen: list[PickedTactic] = []
    for _, _, picked in ranked:
        relevant = bool(picked.because) or picked.preferred
        if len(chosen) >= cfg.max_tactics or (not relevant and len(chosen) >= cfg.min_tactics):
            break
        chosen.append(picked)
    return Plan(tactics=chosen, advice=[a.id for a in advice])
