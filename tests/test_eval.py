"""Accuracy on the development sets in tests/eval/ must not fall below the targets, in
every language.

The numbers themselves are printed by ``python -m bench.eval``; this only guards them.
The hold-out sets are reported there, never tuned on here.
"""

from __future__ import annotations

import pytest

from bench.eval import TARGETS, Score, evaluate
from knowledge.loader import default_knowledge
from knowledge.model import DEFAULT_LANG

LANGS = sorted(default_knowledge().languages)
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
    # Where the bot could ask instead, it must not confidently take a wrong answer.
    _, by_name = scores
    assert by_name["typed answers"].confident_wrong == 0, "\n".join(by_name["typed answers"].misses)
