"""The score ladder of typed answers (classifier.yaml ``scores``): kept in order at load,
and the one place matching, interpretation and the engine read their lines from."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from dialogs.engine import Engine
from dialogs.events import Choose, Start, Typed
from dialogs.flow import load_flow
from dialogs.render import BEGIN
from dialogs.state import DialogState
from knowledge.index import build_indexes
from knowledge.interpret import interpret_answer
from knowledge.loader import KnowledgeError, default_knowledge, load_knowledge
from knowledge.model import Knowledge
from knowledge.raw import DATA_DIR, read_yaml
from knowledge.schema import ScoreLadder


def test_the_shipped_ladder_is_in_order() -> None:
    ladder = default_knowledge().settings.scores
    for high, high_value, low, low_value, equal in ladder.order():
        assert high_value > low_value or (equal and high_value == low_value), (
            f"{high} ({high_value}) is not above {low} ({low_value})"
        )


def test_every_reading_is_either_taken_or_a_guess_by_its_rung() -> None:
    # The contract the ladder writes down: what matching scores a reading decides whether
    # interpret.py takes it.
    s = default_knowledge().settings.scores
    taken = [s.spelling, s.count, s.inside_base, s.prefix_base + s.prefix_step]
    taken.append(s.typo_base - s.typo_step * s.typo_max_edits)
    assert all(s.take <= score < s.exact for score in taken)
    assert all(score < s.take for score in (s.keyword, s.contradicted, s.mixed_guess))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"take": 81}, "inside_base (80) must be at or above take (81)"),
        ({"keyword": 79}, "contradicted (78.5) must be above keyword (79)"),
        ({"sure_option": 100}, "exact (100) must be above sure_option (100)"),
        ({"typo_step": 6}, "typo_base - typo_step * typo_max_edits (78) must be at or above"),
        ({"mixed_guess": 80}, "take (80) must be above mixed_guess (80)"),
    ],
)
def test_a_misordered_ladder_fails_at_load_naming_both_rungs(
    tmp_path: Path, changes: dict[str, float], message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("i18n"))
    content = read_yaml(data / "classifier.yaml")
    content["classifier"]["scores"].update(changes)
    (data / "classifier.yaml").write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data)
    assert "classifier.yaml: classifier.scores:" in str(info.value)
    assert message in str(info.value)


def test_the_ladder_model_rejects_the_same_misorder_directly() -> None:
    shipped = default_knowledge().settings.scores.model_dump()
    with pytest.raises(ValueError, match=r"count \(79\) must be at or above take \(80\)"):
        ScoreLadder.model_validate({**shipped, "count": 79})


def _with_scores(kb: Knowledge, **changes: float) -> Knowledge:
    """The shipped knowledge with some rungs moved, unvalidated (a misordered ladder would
    not load): how a tuning mistake would behave."""
    scores = kb.settings.scores.model_copy(update=changes)
    settings = kb.settings.model_copy(update={"scores": scores})
    moved = dataclasses.replace(kb, settings=settings)
    moved.set_indexes(build_indexes(moved))
    return moved


@pytest.fixture(scope="module")
def lowered_take() -> Knowledge:
    return _with_scores(default_knowledge(), take=79.0)


@pytest.fixture(scope="module")
def raised_take() -> Knowledge:
    return _with_scores(default_knowledge(), take=85.0)


# "Some of each", offered at the mixed_guess rung (79); a phrase inside a sentence (~84.8).
MIXED = "yes but only the big clients"
PHRASE = "only under contract"


def test_interpretation_reads_the_take_line_from_the_ladder(
    lowered_take: Knowledge, raised_take: Knowledge
) -> None:
    kb = default_knowledge()
    assert interpret_answer(kb, "contract", MIXED, "en").kind == "guess"
    assert interpret_answer(lowered_take, "contract", MIXED, "en").kind == "option"
    assert interpret_answer(kb, "contract", PHRASE, "en").kind == "option"
    assert interpret_answer(raised_take, "contract", PHRASE, "en").kind == "guess"


def _at_contract(engine: Engine) -> DialogState:
    state = engine.step(DialogState(), Start()).state
    state = engine.step(state, Choose(option=BEGIN)).state
    state = engine.step(state, Typed(text="law firm")).state
    assert state.step == "contract"
    return state


def test_the_engine_takes_or_pre_selects_by_the_ladder(lowered_take: Knowledge) -> None:
    shipped = Engine.default()
    guessed = shipped.step(_at_contract(shipped), Typed(text=MIXED)).state
    assert guessed.step == "contract" and guessed.prefilled["contract"] == "sometimes"
    moved = Engine(lowered_take, load_flow(lowered_take))
    taken = moved.step(_at_contract(moved), Typed(text=MIXED)).state
    assert "contract" not in taken.prefilled
    assert taken.answers["contract"].option == "sometimes" and taken.step != "contract"
