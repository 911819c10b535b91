"""The questionnaire graph is checked at load: no unreachable steps, dead ends or loops."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogs.flow import FLOW_FILE, Flow, load_flow
from knowledge.loader import KnowledgeError
from knowledge.model import Knowledge
from knowledge.raw import read_yaml


def _write(tmp_path: Path, change) -> Path:
    content = read_yaml(FLOW_FILE)
    change(content)
    path = tmp_path / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


def _step(content: dict, step_id: str) -> dict:
    return next(s for s in content["steps"] if s["id"] == step_id)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: _step(c, "contract").update(next="exclusivity"), "'commitment' is unreachable"),
        (
            lambda c: _step(c, "contract").update(
                next=[{"if": {"contract": ["never"]}, "goto": "exclusivity"}]
            ),
            "the last transition must have no 'if' (dead end)",
        ),
        (lambda c: _step(c, "product_range").update(next="support"), "the flow has a loop"),
        (lambda c: _step(c, "support").update(next="nowhere"), "unknown step 'nowhere'"),
        (
            lambda c: c["steps"].append({"id": "favourite_colour", "next": "end"}),
            "no question 'favourite_colour'",
        ),
        (
            lambda c: _step(c, "contract")["next"][0].update({"if": {"contract": ["perhaps"]}}),
            "unknown option 'perhaps'",
        ),
    ],
    ids=["unreachable", "dead-end", "loop", "unknown-target", "unknown-question", "bad-if"],
)
def test_bad_flows_are_rejected(tmp_path: Path, kb: Knowledge, change, expected: str) -> None:
    with pytest.raises(KnowledgeError) as info:
        load_flow(kb, _write(tmp_path, change))
    assert expected in str(info.value)
    assert "questionnaire.yaml: " in str(info.value)


def test_contract_length_is_skipped_without_contracts(flow: Flow) -> None:
    assert "commitment" in flow.path({"contract": "usually"})
    assert "commitment" in flow.path({"contract": "not_sure"})
    assert "commitment" not in flow.path({"contract": "never"})


def test_every_question_is_in_the_flow(flow: Flow, kb: Knowledge) -> None:
    assert {s.id for s in flow.steps} == set(kb.questions)
