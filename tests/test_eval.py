"""Accuracy on the evaluation set in tests/eval/ must not fall below the targets.

The numbers themselves are printed by ``python -m bench.eval``; this only guards them.
"""

from __future__ import annotations

import pytest

from bench.eval import TARGETS, evaluate
from knowledge.model import Knowledge


@pytest.fixture(scope="module")
def scores(kb: Knowledge):
    return {s.name: s for s in evaluate(kb, "en")}


@pytest.mark.parametrize("category", sorted(TARGETS))
def test_accuracy_meets_target(scores, category: str) -> None:
    score = scores[category]
    assert score.total >= 50, "the evaluation set is too small to mean anything"
    assert score.accuracy >= TARGETS[category], "\n".join(score.misses)


def test_typed_answers_never_guess_a_wrong_option(scores) -> None:
    # Where the bot could ask instead, it must not confidently take a wrong answer.
    assert scores["typed answers"].confident_wrong == 0, "\n".join(scores["typed answers"].misses)
