"""Deterministic, explainable classification of a business from its answers.

How it decides (weights and thresholds come from the knowledge files):

* Every choice answer has a *lean* in [-1, +1] (customer → client) and its question a
  dimension *weight*. "Not sure" answers carry no lean; they only lower the coverage.
* **score** (0–100 on the customer→client axis) = 50 + 50 · Σ(weight·lean) / Σ(weight)
  over the answered questions.
* **client share** C and **customer share** K = Σ(weight·lean) pulling each way, as a
  share of the answered weight; **mixed share** M = weight of the answers that say both
  kinds of buyers exist ("sometimes", "a mix"), as a share of the answered weight.
* **Hybrid** is decided by rule, first match wins:
  1. ``both_sides`` — C ≥ t and K ≥ t (strong signals on each side, e.g. contracts with
     some accounts and walk-in buyers for the rest);
  2. ``mixed`` — M ≥ m (the owner keeps saying "some of each");
  3. ``too_close`` — the score is within ``hybrid_band`` points of 50 (no side wins);
  otherwise **client** when the score is above 50, else **customer**.
* **confidence** (0–100) = coverage · (0.35 + 0.65 · clarity), where coverage is the share
  of the weight actually answered (so "Not sure" lowers it) and clarity is how one-sided
  the signals are for a client/customer verdict (conflicting answers lower it) or how
  strongly the hybrid rule fired for a hybrid one.
* **reasons**: the answers that pushed hardest toward the verdict, each citing the answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.model import NOT_SURE, Knowledge
from knowledge.schema import ModelId

HybridRule = Literal["both_sides", "mixed", "too_close", "no_answers"]
Side = Literal["client", "customer", "both"]

_CONFIDENCE_FLOOR = 0.35
# Reason.question for the business-type prior (its option is the business type id).
PRIOR = "business"


class Reason(BaseModel):
    question: str
    option: str
    side: Side
    contribution: float = Field(description="weight · lean; > 0 points to clients")


class Verdict(BaseModel):
    model: ModelId
    score: int = Field(ge=0, le=100)
    confidence: int = Field(ge=0, le=100)
    confidence_label: Literal["high", "medium", "low"]
    hybrid_rule: HybridRule | None = None
    client_share: float
    customer_share: float
    mixed_share: float
    coverage: float
    not_sure: int
    reasons: list[Reason]


def classify(
    kb: Knowledge,
    answers: Mapping[str, str],
    expected: Collection[str] | None = None,
    prior: tuple[str, ModelId] | None = None,
) -> Verdict:
    """Classify from ``answers`` (question id → option id).

    ``expected`` lists the questions that should have been answered (defaults to the
    answered ones); expected but missing questions lower the coverage like "Not sure".
    ``prior`` is (business type id, its usual model): "businesses like yours usually …",
    one more signal of weight ``prior_weight``, shown as a reason like any answer.
    """
    cfg = kb.settings
    answered_w = unsure_w = pull = pos = neg = mixed_w = 0.0
    not_sure = 0
    items: list[Reason] = []
    # Walk questions in questionnaire order so sums and tie-breaks never depend on the
    # order the answers arrived in.
    for qid in (q for q in kb.questions if q in answers):
        oid = answers[qid]
        weight = kb.weight(qid)
        if weight <= 0:
            continue
        if oid == NOT_SURE:
            unsure_w += weight
            not_sure += 1
            continue
        option = kb.option(qid, oid)
        if option is None:
            continue
        answered_w += weight
        contribution = weight * option.lean
        pull += contribution
        pos += max(contribution, 0.0)
        neg += max(-contribution, 0.0)
        if option.mixed:
            mixed_w += weight
        side: Side = "both" if option.mixed else "client" if option.lean > 0 else "customer"
        if option.lean != 0 or option.mixed:
            items.append(Reason(question=qid, option=oid, side=side, contribution=contribution))
    if prior is not None and cfg.prior_weight > 0:
        business_id, usual = prior
        weight = cfg.prior_weight
        lean = {"client": 1.0, "customer": -1.0, "hybrid": 0.0}[usual]
        answered_w += weight
        pull += weight * lean
        pos += max(weight * lean, 0.0)
        neg += max(-weight * lean, 0.0)
        if usual == "hybrid":
            mixed_w += weight
        side = "both" if usual == "hybrid" else usual
        items.append(Reason(question=PRIOR, option=business_id, side=side,
                            contribution=weight * lean))  # fmt: skip
    missing_w = sum(kb.weight(q) for q in (expected or ()) if q not in answers)
    total_w = answered_w + unsure_w + missing_w
    coverage = answered_w / total_w if total_w else 0.0

    if answered_w == 0:
        return Verdict(
            model="hybrid",
            score=50,
            confidence=0,
            confidence_label="low",
            hybrid_rule="no_answers",
            client_share=0,
            customer_share=0,
            mixed_share=0,
            coverage=0,
            not_sure=not_sure,
            reasons=[],
        )

    c_share, k_share, m_share = pos / answered_w, neg / answered_w, mixed_w / answered_w
    score = round(50 + 50 * pull / answered_w)
    rule: HybridRule | None = None
    if c_share >= cfg.hybrid_min_each_side and k_share >= cfg.hybrid_min_each_side:
        rule, strength = "both_sides", min(c_share, k_share) / max(c_share, k_share)
    elif m_share >= cfg.hybrid_min_mixed:
        rule, strength = "mixed", m_share
    elif abs(score - 50) <= cfg.hybrid_band:
        rule = "too_close"
        strength = 1 - abs(score - 50) / cfg.hybrid_band if cfg.hybrid_band else 1.0

    model: ModelId
    if rule is not None:
        model = "hybrid"
    else:
        model = "client" if score > 50 else "customer"
        dominant, opposing = (c_share, k_share) if model == "client" else (k_share, c_share)
        strength = (dominant - opposing) / (dominant + opposing + m_share)

    confidence = round(100 * coverage * (_CONFIDENCE_FLOOR + (1 - _CONFIDENCE_FLOOR) * strength))
    confidence = max(0, min(100, confidence))
    label: Literal["high", "medium", "low"] = (
        "high"
        if confidence >= cfg.confidence_high
        else "medium"
        if confidence >= cfg.confidence_medium
        else "low"
    )
    return Verdict(
        model=model,
        score=score,
        confidence=confidence,
        confidence_label=label,
        hybrid_rule=rule,
        client_share=round(c_share, 3),
        customer_share=round(k_share, 3),
        mixed_share=round(m_share, 3),
        coverage=round(coverage, 3),
        not_sure=not_sure,
        reasons=_top_reasons(items, model, cfg.top_reasons),
    )


def _top_reasons(items: list[Reason], model: ModelId, limit: int) -> list[Reason]:
    if model == "client":
        ranked = sorted((r for r in items if r.contribution > 0), key=lambda r: -r.contribution)
        return ranked[:limit]  # sorted() is stable: ties keep questionnaire order
    if model == "customer":
        ranked = sorted((r for r in items if r.contribution < 0), key=lambda r: r.contribution)
        return ranked[:limit]
    # Hybrid: show both pulls and the "some of each" answers, strongest first, interleaved.
    client = sorted((r for r in items if r.side == "client"), key=lambda r: -r.contribution)
    customer = sorted((r for r in items if r.side == "customer"), key=lambda r: r.contribution)
    mixed = [r for r in items if r.side == "both"]
    picked: list[Reason] = []
    for group in _round_robin(client, customer, mixed):
        picked.append(group)
        if len(picked) == limit:
            break
    return picked


def _round_robin(*lists: list[Reason]) -> list[Reason]:
    out: list[Reason] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out
