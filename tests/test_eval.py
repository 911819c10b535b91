"""Accuracy on the development sets in tests/eval/ must not fall below the targets, in
every language.

The numbers themselves are printed by ``python -m bench.eval``; this only guards them.
The hold-out sets are reported there, never tuned on here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.eval import (
    EVAL_DIR,
    HOLDOUT2_DIR,
    HOLDOUT3_DIR,
    HOLDOUT4_DIR,
    HOLDOUT_DIR,
    TARGETS,
    Score,
    evaluate,
)
from knowledge.loader import default_knowledge
from knowledge.model import DEFAULT_LANG

LANGS = sorted(default_knowledge().languages)
EVAL_PLANS = EVAL_DIR / "plans.yaml"
# English has the large set; each other language a smaller one written by its own author.
MIN_ITEMS = {DEFAULT_LANG: 50}
MIN_ITEMS_OTHER = 20


@pytest.fixture(scope="module", params=LANGS)
def scores(request: pytest.FixtureRequest) -> tuple[str, dict[str, Score]]:
    lang = request.param
    return lang, {s.name: s for s in evaluate(default_knowledge(), lang)}


@pytest.mark.parametrize("category", sorted(TARGETS))
def test_accuracy_meets_target(scores: tuple[str, dict[str, Score]], category: str) -> None:
    lang, by_name = scores
    score = by_name[category]
    assert score.total >= MIN_ITEMS.get(lang, MIN_ITEMS_OTHER), "too small to mean anything"
    assert score.accuracy >= TARGETS[category], "\n".join(score.misses)


def test_typed_answers_never_guess_a_wrong_option(scores: tuple[str, dict[str, Score]]) -> None:
    # Where the bot could ask instead, it must neither take a wrong answer nor pre-select
    # one for a one-tap confirmation (a hurried owner taps it).
    _, by_name = scores
    typed = by_name["typed answers"]
    assert (typed.confident_wrong, typed.wrong_guesses) == (0, 0), "\n".join(typed.misses)


# Wrong readings on the read hold-outs as measured when each guard was set: (options taken
# wrongly, options pre-selected wrongly) — ceilings, never to rise; lower them when a fix
# brings one down. holdout3/ was blind until holdout4/ was written to replace it.
READ_HOLDOUT_WRONG = {"holdout": (0, 0), "holdout2": (0, 0), "holdout3": (0, 0)}
READ_HOLDOUT_DIRS = {"holdout": HOLDOUT_DIR, "holdout2": HOLDOUT2_DIR, "holdout3": HOLDOUT3_DIR}


@pytest.mark.parametrize("name", sorted(READ_HOLDOUT_WRONG))
def test_read_holdouts_take_no_wrong_option(name: str) -> None:
    typed = [evaluate(default_knowledge(), lang, READ_HOLDOUT_DIRS[name])[0] for lang in LANGS]
    misses = "\n".join(m for score in typed for m in score.misses)
    taken, guessed = READ_HOLDOUT_WRONG[name]
    assert sum(s.confident_wrong for s in typed) <= taken, misses
    assert sum(s.wrong_guesses for s in typed) <= guessed, misses


# The blind set: only its totals are read here, never its items (nor its misses, which
# would print them). Its first measurement, with the code of the end of issue 10's work:
# 1 wrong option taken, 2 pre-selected; after holdout3's fixes (issue 10 §5): 1 and 1.
# A ceiling, measured, not tuned on.
BLIND_CEILING = (1, 1)


def test_blind_holdout_confident_wrong_stays_under_its_ceiling() -> None:
    typed = [evaluate(default_knowledge(), lang, HOLDOUT4_DIR)[0] for lang in LANGS]
    taken = sum(s.confident_wrong for s in typed)
    guessed = sum(s.wrong_guesses for s in typed)
    assert taken <= BLIND_CEILING[0] and guessed <= BLIND_CEILING[1], (taken, guessed)


def test_a_wrong_pre_selection_is_counted_apart_from_a_wrong_option_taken(tmp_path: Path) -> None:
    # A loose reading is pre-selected (a guess), a plain "nope" is taken: both wrong here.
    (tmp_path / "typed_answers.yaml").write_text(
        "- {question: contract, text: 'yes but only the big clients', expect: usually}\n"
        "- {question: contract, text: nope, expect: usually}\n"
    )
    typed = evaluate(default_knowledge(), DEFAULT_LANG, tmp_path)[0]
    assert (typed.confident_wrong, typed.wrong_guesses) == (1, 1)


# --- advice (issue 12): plan fit on the owner profiles, and plan diversity ---------------


def test_plans_fit_the_owner_profiles_without_contradiction() -> None:
    from bench.eval import PLAN_FIT_TARGET, plan_fit
    from dialogs.engine import Engine

    fit = plan_fit(Engine.default())
    assert fit.total >= 60
    assert fit.contradictions == 0, "\n".join(fit.misses)
    assert fit.accuracy >= PLAN_FIT_TARGET, "\n".join(fit.misses)


def test_the_profiles_cover_every_language_and_many_trades() -> None:
    from knowledge.raw import read_yaml

    profiles = read_yaml(EVAL_PLANS)["profiles"]
    assert {p["lang"] for p in profiles} == set(LANGS)
    assert min(sum(p["lang"] == lang for p in profiles) for lang in LANGS) >= 10


# Measured when families came in: 53 distinct plans for 81 business types, 27 of 2900
# cross-family pairs identical (one plan per verdict band gave 41 and 47). Floors/ceilings,
# never to loosen.
MIN_DISTINCT_PLANS = 50
MAX_CROSS_FAMILY_IDENTICAL = 30


def test_different_trades_get_different_plans() -> None:
    from bench.eval import plan_diversity
    from dialogs.engine import Engine

    diversity = plan_diversity(Engine.default())
    assert diversity.distinct >= MIN_DISTINCT_PLANS
    assert diversity.cross_family_identical <= MAX_CROSS_FAMILY_IDENTICAL
