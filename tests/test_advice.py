"""Advice that fits the owner (issue 12): trade families, requires/unless, family wordings,
and never contradicting an answer the owner gave."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import render
from dialogs.advise import advise
from dialogs.engine import Engine
from dialogs.state import DialogState
from knowledge.classifier import classify
from knowledge.loader import KnowledgeError, load_knowledge
from knowledge.model import NOT_SURE, Knowledge, pick
from knowledge.raw import DATA_DIR, read_yaml
from knowledge.recommend import allowed, condition_matches, matches, recommend

ENGINE = Engine.default()
KB = ENGINE.kb
CHOICE_QUESTIONS = [q for q in KB.questions.values() if q.kind == "choice"]


def _plan_ids(business: str, answers: dict[str, str], lang: str = "en") -> list[str]:
    outcome = advise(ENGINE, business, answers, lang).outcome
    return [p.id for p in outcome.plan.tactics]


def _typical(business_id: str) -> dict[str, str]:
    business = KB.business(business_id)
    assert business is not None
    return dict(business.typical)


# --- the data: families and conditions, validated at load -------------------------------


def test_every_business_type_belongs_to_a_declared_family(kb: Knowledge) -> None:
    assert 8 <= len(kb.families) <= 12
    assert {b.family for b in kb.businesses} == set(kb.families)


Edit = Callable[[dict], None]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][0].update(unless=[{"families": ["bakeries"]}]),
            "tactics.yaml: tactics.0.unless.0.families: unknown family 'bakeries'",
            id="unknown-family-in-unless",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][1].update(requires={"answers": {"contract": ["maybe"]}}),
            "tactics.yaml: tactics.1.requires.answers.contract: unknown option 'maybe'",
            id="unknown-option-in-requires",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][2].update(unless=[{}]),
            "tactics.yaml: tactics.2.unless.0: Value error, a condition needs families,"
            " answers or both",
            id="empty-condition",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][0].update(first_step_for={"garages": {"en": "Call."}}),
            "tactics.yaml: tactics.0.first_step_for: unknown family 'garages'",
            id="unknown-family-wording",
        ),
        pytest.param(
            "businesses.yaml",
            lambda d: d["businesses"][0].update(family="tutors"),
            "businesses.yaml: businesses.0.family: unknown family 'tutors'",
            id="unknown-business-family",
        ),
        pytest.param(
            "businesses.yaml",
            lambda d: d["businesses"][0].pop("family"),
            "businesses.yaml: businesses.0.family: Field required",
            id="business-without-family",
        ),
    ],
)
def test_a_broken_condition_names_file_and_field(
    tmp_path: Path, file: str, change: Edit, expected: str
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("i18n"))
    content = read_yaml(folder / file)
    change(content)
    (folder / file).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(folder)
    assert expected in str(info.value)


# --- never contradict the owner: a property over random answers and every trade ---------

_answer_sets = st.fixed_dictionaries(
    {},
    optional={
        q.id: st.sampled_from([o.id for o in q.options] + [NOT_SURE]) for q in CHOICE_QUESTIONS
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=_answer_sets, lang=st.sampled_from(sorted(KB.languages)))
def test_no_plan_contradicts_the_answers_given(answers: dict[str, str], lang: str) -> None:
    given_answers = {q: o for q, o in answers.items() if o != NOT_SURE}
    for business in [*KB.businesses, None]:
        family = business.family if business else None
        verdict = classify(KB, answers)
        plan = recommend(KB, answers, verdict, family)
        assert 1 <= len(plan.tactics) <= KB.settings.max_tactics
        for picked in plan.tactics:
            tactic = KB.tactics_by_id[picked.id]
            assert verdict.model in tactic.models
            # No `unless` matches and `requires` holds for what was actually said.
            assert allowed(tactic, family, answers), (picked.id, family, answers)
            assert not any(condition_matches(c, family, answers) for c in tactic.unless)
            if tactic.requires is not None:
                for qid, options in tactic.requires.answers.items():
                    assert qid not in given_answers or given_answers[qid] in options
            # Every "because" is an answer the owner gave ("Not sure" included), never a
            # guess.
            for qid, oid in picked.because:
                assert answers.get(qid) == oid
            assert not picked.trade or (family is not None and family in tactic.fits)
        # Every advice sentence shown holds for these answers and this verdict.
        for advice_id in plan.advice:
            advice = next(a for a in KB.advice if a.id == advice_id)
            assert verdict.model in advice.models and matches(advice.when, answers)
            assert not set(advice.avoid) & {p.id for p in plan.tactics}
        # The "why these" sentences name only given answers (quoted labels) and the trade.
        state = DialogState(lang=lang, phase="done", business_id=business.id if business else None)
        outcome = render.Outcome(answers=answers, business=None, verdict=verdict, plan=plan)
        why = render.why_tactics(KB, state, outcome).text
        for picked in plan.tactics:
            for qid, oid in picked.because:
                assert KB.option_label(qid, oid, lang) in why
        assert (family is None) == (KB.text("why_no_trade", lang) in why)


# --- the examples of the issue ------------------------------------------------------------


PETROL = _typical("gas_station") | {"product_range": "wide"}


@pytest.mark.parametrize("lang", sorted(KB.languages))
def test_a_petrol_station_gets_no_checkout_email_or_contract_advice(lang: str) -> None:
    outcome = advise(ENGINE, "petrol station on the highway", PETROL, "en").outcome
    state = DialogState(lang=lang, phase="done", business_id="gas_station")
    ids = {p.id for p in outcome.plan.tactics}
    assert outcome.plan.family == "motoring"
    assert ids.isdisjoint(
        {"automated_rewards", "personal_service_plan", "formal_agreement", "regular_check_ins"}
    )
    assert "business_accounts" in ids
    why = render.why_tactics(KB, state, outcome).text
    assert pick(KB.tactics_by_id["flash_offers"].why, "en") not in why
    if lang == "en":
        card = render.result(KB, state, outcome).text
        assert not re.search(r"checkout|e-?mail|with every order|one main product", card, re.I)


def test_a_law_firm_and_a_bookkeeper_get_different_plans() -> None:
    law = _plan_ids("small law firm", _typical("law_firm"))
    books = _plan_ids("bookkeeper for small companies", _typical("accounting"))
    assert law != books
    assert set(law) != set(books)


def test_a_village_salon_is_not_told_to_call_key_clients_or_draft_contracts() -> None:
    answers = _typical("hairdresser") | {"relationship": "personal", "acquisition": "referrals"}
    ids = _plan_ids("hair salon in a village", answers)
    assert "book_next_visit" in ids
    assert not {"regular_check_ins", "formal_agreement", "onboarding_plan"} & set(ids)


@pytest.mark.parametrize("business", ["grocery_store", "bakery", "restaurant"])
def test_food_shops_get_no_premium_package_compared_to_a_bank(business: str) -> None:
    name = pick(KB.business(business).name, "en")  # type: ignore[union-attr]
    assert "personal_service_plan" not in _plan_ids(name, _typical(business))


@pytest.mark.parametrize("lang", sorted(KB.languages))
def test_a_trade_gets_its_own_wording_of_the_first_step(lang: str) -> None:
    outcome = advise(ENGINE, "petrol station", PETROL, "en").outcome
    state = DialogState(lang=lang, phase="done", business_id="gas_station")
    index = [p.id for p in outcome.plan.tactics].index("business_accounts")
    page = render.tactic_page(KB, state, outcome, index).text
    worded = KB.tactics_by_id["business_accounts"].first_step_for["motoring"]
    assert worded[lang] in page
    assert pick(KB.tactics_by_id["business_accounts"].first_step, lang) not in page


def test_family_wordings_name_the_channel_of_the_market() -> None:
    # Thailand talks on LINE; the walk-in wordings in Thai never send people to WhatsApp.
    for tactic in KB.tactics:
        for family, text in tactic.first_step_for.items():
            assert "WhatsApp" not in text["th"], (tactic.id, family)
    thai = KB.tactics_by_id["learn_about_buyers"].first_step_for["shops"]["th"]
    assert "LINE" in thai
    for lang in ("id", "tr", "ro"):
        assert "WhatsApp" in KB.tactics_by_id["learn_about_buyers"].first_step_for["shops"][lang]


def test_without_a_recognised_trade_the_plan_says_it_rests_on_the_answers() -> None:
    outcome = advise(ENGINE, "we make things for people", _typical("catering"), "en").outcome
    assert outcome.plan.family is None
    state = DialogState(lang="en", phase="done")
    assert KB.text("why_no_trade", "en") in render.why_tactics(KB, state, outcome).text


# --- clientwise advise: the Python API on the command line -------------------------------


def test_cli_advise_prints_the_same_plan_as_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bot import cli

    args = ["advise", "--json", "--business", "petrol station on the highway"]
    args += [arg for q, o in PETROL.items() for arg in ("--answer", f"{q}={o}")]
    assert cli.main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    api = advise(ENGINE, "petrol station on the highway", PETROL).outcome
    assert printed["verdict"] == api.verdict.model == "customer"
    assert printed["business"] == "gas_station" and printed["family"] == "motoring"
    assert [t["id"] for t in printed["plan"]] == [p.id for p in api.plan.tactics]
    accounts = next(t for t in printed["plan"] if t["id"] == "business_accounts")
    assert accounts["first_step"].startswith("For a petrol station")


@pytest.mark.parametrize("bad", ["contract=maybe", "colour=blue", "contract"])
def test_cli_advise_refuses_an_unknown_answer(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bot import cli

    assert cli.main(["advise", "--answer", bad]) == 2
    assert "--answer" in capsys.readouterr().err


# --- confidence that reads true ----------------------------------------------------------


def _card(answers: dict[str, str], lang: str, expected: bool = False) -> str:
    expect = [q for q in KB.questions if KB.weight(q) > 0] if expected else None
    verdict = classify(KB, answers, expect)
    plan = recommend(KB, answers, verdict, "motoring")
    outcome = render.Outcome(answers=answers, business=None, verdict=verdict, plan=plan)
    state = DialogState(lang=lang, phase="done", business_id="gas_station")
    return render.result(KB, state, outcome).text + render.verdict_details(KB, state, outcome).text


@pytest.mark.parametrize("lang", sorted(KB.languages))
def test_high_confidence_never_comes_with_treat_this_as_a_first_estimate(lang: str) -> None:
    answers = _typical("gas_station") | {"relationship": NOT_SURE}
    assert classify(KB, answers).confidence_label == "high"
    text = _card(answers, lang)
    assert KB.text("confidence_high", lang) in text
    assert KB.text("result_not_sure_note", lang, count=1) not in text
    assert KB.text("result_not_sure_high", lang, count=1) in text


@pytest.mark.parametrize("lang", sorted(KB.languages))
def test_an_end_of_scale_score_with_low_confidence_says_what_is_uncertain(lang: str) -> None:
    answers = {"contract": "never"}
    verdict = classify(KB, answers, [q for q in KB.questions if KB.weight(q) > 0])
    assert (verdict.score, verdict.confidence_label) == (0, "low")
    text = _card(answers, lang, expected=True)
    coverage = round(verdict.coverage * 100)
    assert KB.text("result_extreme_uncertain", lang, coverage=coverage) in text


# Telegram shows about this much on one phone screen; the card must fit it.
CARD_LIMIT = 600


@pytest.mark.parametrize("lang", sorted(KB.languages))
def test_the_result_card_fits_one_screen_for_every_business_type(lang: str) -> None:
    from dialogs.advise import plan_for_business

    for business in KB.businesses:
        outcome = plan_for_business(ENGINE, business.id)
        state = DialogState(lang=lang, phase="done", business_id=business.id)
        card = render.result(KB, state, outcome)
        assert len(card.text) <= CARD_LIMIT, (business.id, card.text)
        assert {o.id for o in card.options} == {"tactics", "verdict", "summary", "restart"}
