"""Classifier: seed examples land on their side; hybrid rules; confidence; reasons."""

from __future__ import annotations

import pytest

from dialogs.flow import Flow
from knowledge.classifier import classify
from knowledge.loader import default_knowledge
from knowledge.model import NOT_SURE, Knowledge

KB = default_knowledge()
CLASSIFYING = [q for q in KB.questions if KB.weight(q) > 0]


def _on_path(flow: Flow, answers: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    path = set(flow.path(answers))
    return {q: o for q, o in answers.items() if q in path}, [q for q in path if KB.weight(q) > 0]


@pytest.mark.parametrize("business", KB.businesses, ids=lambda b: b.id)
def test_every_example_business_lands_on_its_side(business, flow: Flow) -> None:
    assert business.typical, f"{business.id} has no typical answers"
    answers, expected = _on_path(flow, business.typical)
    verdict = classify(KB, answers, expected)
    assert verdict.model == business.model, verdict


def test_all_seed_examples_are_covered(kb: Knowledge) -> None:
    seeds = [b for b in kb.businesses if b.from_seeds]
    assert {b.model for b in seeds} == {"client", "customer", "hybrid"}
    for name in ("law_firm", "gas_station", "bank_wealth_management", "pharmacy", "hotel"):
        assert any(b.id == name for b in seeds), name


def _uniform(kb: Knowledge, pick_index: int) -> dict[str, str]:
    return {q: kb.questions[q].options[pick_index].id for q in CLASSIFYING}


def test_clear_client_and_customer(kb: Knowledge) -> None:
    client = classify(kb, _uniform(kb, 0))
    customer = classify(kb, _uniform(kb, -1))
    assert (client.model, customer.model) == ("client", "customer")
    assert client.score > 85 and customer.score < 15
    assert client.confidence_label == customer.confidence_label == "high"


def test_all_not_sure_is_low_confidence_hybrid_without_reasons(kb: Knowledge) -> None:
    verdict = classify(kb, dict.fromkeys(CLASSIFYING, NOT_SURE))
    assert verdict.model == "hybrid" and verdict.hybrid_rule == "no_answers"
    assert verdict.confidence == 0 and verdict.reasons == []
    assert verdict.not_sure == len(CLASSIFYING)


def test_not_sure_answers_lower_confidence(kb: Knowledge) -> None:
    full = classify(kb, _uniform(kb, 0))
    partial = _uniform(kb, 0) | dict.fromkeys(CLASSIFYING[:4], NOT_SURE)
    unsure = classify(kb, partial)
    assert unsure.model == "client"
    assert unsure.confidence < full.confidence
    assert unsure.not_sure == 4


def test_missing_expected_questions_lower_coverage(kb: Knowledge) -> None:
    few = {"contract": "usually", "exclusivity": "only_us"}
    verdict = classify(kb, few, expected=CLASSIFYING)
    assert verdict.model == "client" and verdict.coverage < 0.5
    assert verdict.confidence_label == "low"


def test_conflicting_signals_lower_confidence(kb: Knowledge) -> None:
    clean = classify(kb, _uniform(kb, 0))
    conflicted = classify(
        kb, _uniform(kb, 0) | {"concentration": "many_small", "sales_cycle": "same_day"}
    )
    assert conflicted.model == "client"
    assert conflicted.confidence < clean.confidence


def test_hybrid_both_sides_rule(kb: Knowledge) -> None:
    # Contracts and exclusive accounts, yet walk-in strangers paying on the spot.
    answers = {
        "contract": "usually",
        "commitment": "year_plus",
        "exclusivity": "only_us",
        "support": "ongoing",
        "customisation": "standard",
        "sales_cycle": "same_day",
        "concentration": "many_small",
        "relationship": "strangers",
        "acquisition": "campaigns",
        "purchase_pattern": "ongoing",
    }
    verdict = classify(kb, answers)
    assert verdict.model == "hybrid" and verdict.hybrid_rule == "both_sides"
    sides = {r.side for r in verdict.reasons}
    assert {"client", "customer"} <= sides


def test_hybrid_mixed_rule(kb: Knowledge) -> None:
    answers = {
        q: min(kb.questions[q].options, key=lambda o: (not o.mixed, abs(o.lean))).id
        for q in CLASSIFYING
    }
    verdict = classify(kb, answers)
    assert verdict.model == "hybrid" and verdict.hybrid_rule == "mixed"


def test_reasons_cite_the_answers_that_pushed_the_verdict(kb: Knowledge) -> None:
    answers = _uniform(kb, -1) | {"contract": "usually"}
    verdict = classify(kb, answers)
    assert verdict.model == "customer"
    assert len(verdict.reasons) == kb.settings.top_reasons
    for reason in verdict.reasons:
        assert answers[reason.question] == reason.option
        assert reason.contribution < 0
    assert all(r.question != "contract" for r in verdict.reasons)


def test_classification_is_deterministic(kb: Knowledge) -> None:
    answers = {"contract": "sometimes", "exclusivity": "mix", "support": "none"}
    assert classify(kb, answers) == classify(kb, dict(reversed(answers.items())))
