"""Tactic ranking: 3–5 tactics, driven by answers, with advice rules respected."""

from __future__ import annotations

import itertools

from knowledge.classifier import classify
from knowledge.model import Knowledge
from knowledge.recommend import recommend


def _plan(kb: Knowledge, answers: dict[str, str]):
    verdict = classify(kb, answers)
    return verdict, recommend(kb, answers, verdict)


def test_every_business_gets_three_to_five_tactics_fitting_its_model(kb: Knowledge) -> None:
    for business in kb.businesses:
        verdict, plan = _plan(kb, business.typical)
        assert 3 <= len(plan.tactics) <= 5, business.id
        for picked in plan.tactics:
            assert verdict.model in kb.tactics_by_id[picked.id].models


def test_different_answers_give_different_plans(kb: Knowledge) -> None:
    plans = {}
    for business in kb.businesses:
        _, plan = _plan(kb, business.typical)
        plans[business.id] = tuple(p.id for p in plan.tactics)
    # Never the same list for everyone: most businesses get a plan of their own.
    assert len(set(plans.values())) >= len(plans) // 2
    for a, b in itertools.combinations(["law_firm", "gas_station", "bank_wealth_management"], 2):
        assert plans[a] != plans[b]


def test_one_product_store_is_told_not_to_convert(kb: Knowledge) -> None:
    store = next(b for b in kb.businesses if b.id == "one_product_store")
    verdict, plan = _plan(kb, store.typical)
    assert verdict.model == "customer"
    assert "dont_convert" in plan.advice
    advice = next(a for a in kb.advice if a.id == "dont_convert")
    chosen = {p.id for p in plan.tactics}
    assert chosen.isdisjoint(advice.avoid)
    assert set(advice.prefer) & chosen


def test_missing_after_sales_support_brings_the_support_tactic(kb: Knowledge) -> None:
    base = next(b for b in kb.businesses if b.id == "restaurant").typical
    with_support = {**base, "support": "occasional"}
    without = {**base, "support": "none"}
    _, plan_with = _plan(kb, with_support)
    _, plan_without = _plan(kb, without)
    reasons_without = {q for p in plan_without.tactics for q, _ in p.because}
    assert "support" in reasons_without
    assert [p.id for p in plan_with.tactics] != [p.id for p in plan_without.tactics]


def test_picked_tactics_explain_which_answers_made_them_relevant(kb: Knowledge) -> None:
    law = next(b for b in kb.businesses if b.id == "law_firm").typical
    _, plan = _plan(kb, law)
    for picked in plan.tactics:
        for question, option in picked.because:
            assert law[question] == option


def test_one_product_hybrid_is_not_pushed_to_convert(kb: Knowledge) -> None:
    answers = {
        "contract": "sometimes",
        "exclusivity": "mix",
        "support": "occasional",
        "customisation": "some_options",
        "concentration": "mix",
        "relationship": "some_regulars",
        "acquisition": "both",
        "purchase_pattern": "repeat",
        "product_range": "single",
    }
    verdict, plan = _plan(kb, answers)
    assert verdict.model == "hybrid"
    assert "dont_convert" in plan.advice
    avoid = next(a for a in kb.advice if a.id == "dont_convert").avoid
    assert {p.id for p in plan.tactics}.isdisjoint(avoid)
