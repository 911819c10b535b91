"""Each kind of broken knowledge file fails at load with file and field path named."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot import cli
from knowledge import loader
from knowledge.loader import KnowledgeError, load_knowledge
from knowledge.raw import DATA_DIR, read_yaml

Edit = Callable[[dict], None]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    # The base files alone: these tests break one base field at a time, and a
    # translation would otherwise still supply a text for it.
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("i18n"))
    return target


def _edit(folder: Path, name: str, change: Edit) -> None:
    path = folder / name
    content = read_yaml(path)
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def _problems(folder: Path) -> str:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(folder)
    return str(info.value)


def test_shipped_knowledge_loads() -> None:
    kb = load_knowledge()
    assert len(kb.dimensions) >= 10 and len(kb.tactics) >= 15 and kb.faq


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][0].pop("first_step"),
            "tactics.yaml: tactics.0.first_step: Field required",
            id="missing-field",
        ),
        pytest.param(
            "questions.yaml",
            lambda d: d["dimensions"][0].update(weight="heavy"),
            "questions.yaml: dimensions.0.weight: Input should be a valid number",
            id="wrong-type",
        ),
        pytest.param(
            "questions.yaml",
            lambda d: d["dimensions"][1].update(weight=9),
            "questions.yaml: dimensions.1.weight: Input should be less than or equal to 5",
            id="weight-out-of-range",
        ),
        pytest.param(
            "questions.yaml",
            lambda d: d["questions"][1]["options"][0].update(lean=-3),
            "questions.yaml: questions.1.options.0.lean: Input should be greater than",
            id="lean-out-of-range",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["advice"][0]["prefer"].append("no_such_tactic"),
            "tactics.yaml: advice.0.prefer: unknown tactic 'no_such_tactic'",
            id="unknown-tactic-id",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][2]["relevant_when"][0].update(when={"contract": ["maybe"]}),
            "tactics.yaml: tactics.2.relevant_when.0.when.contract: unknown option 'maybe'",
            id="unknown-option-in-condition",
        ),
        pytest.param(
            "businesses.yaml",
            lambda d: d["businesses"][0]["typical"].update(colour="red"),
            "businesses.yaml: businesses.0.typical.colour: unknown question 'colour'",
            id="unknown-question",
        ),
        pytest.param(
            "faq.yaml",
            lambda d: d["faq"].append(dict(d["faq"][0])),
            "faq.yaml: faq: duplicate id",
            id="duplicate-id",
        ),
        pytest.param(
            "questions.yaml",
            lambda d: d["questions"][2]["options"][0].update(days=[30, 10]),
            "questions.yaml: questions.2.options.0.days: Value error, days must be",
            id="empty-range-of-days",
        ),
        pytest.param(
            "faq.yaml",
            lambda d: (
                d["faq"][1].update(outranks=[d["faq"][-1]["id"]])
                or d["faq"][-1].update(outranks=[d["faq"][1]["id"]])
            ),
            "faq.yaml: faq.1.outranks: 'how_it_works' outranks 'client_examples' too",
            id="topics-outranking-each-other",
        ),
        pytest.param(
            "signals.yaml",
            lambda d: d["split_markers"].update(en=["some and others"]),
            "signals.yaml: split_markers: Value error, en: 'some and others' must read",
            id="split-marker-without-halves",
        ),
        pytest.param(
            "faq.yaml",
            lambda d: d["faq"][0].update(outranks=["no_such_topic"]),
            "faq.yaml: faq.0.outranks: unknown or own topic 'no_such_topic'",
            id="unknown-outranked-topic",
        ),
        pytest.param(
            "messages.yaml",
            lambda d: d["messages"].pop("welcome"),
            "messages.yaml: messages.welcome: missing",
            id="missing-message",
        ),
        pytest.param(
            "messages.yaml",
            lambda d: d["messages"]["welcome"].update(en="Hi {nmae}"),
            "messages.yaml: messages.welcome.en: placeholders ['nmae']",
            id="bad-placeholder",
        ),
        pytest.param(
            "models.yaml",
            lambda d: d["models"][0]["name"].update(xx="?"),
            "models.yaml: models.0.name.xx: language not declared",
            id="undeclared-language",
        ),
        pytest.param(
            "models.yaml",
            lambda d: d["models"][0]["name"].pop("en"),
            "models.yaml: models.0.name: Value error, missing the 'en' text",
            id="no-english",
        ),
        pytest.param(
            "tactics.yaml",
            lambda d: d["tactics"][0].update(colour="blue"),
            "tactics.yaml: tactics.0.colour: Extra inputs are not permitted",
            id="typo-key",
        ),
        pytest.param(
            "classifier.yaml",
            lambda d: d["classifier"].update(min_tactics=6),
            "classifier.yaml: classifier.min_tactics: larger than max_tactics",
            id="inconsistent-settings",
        ),
    ],
)
def test_broken_file_is_reported(data_copy: Path, file: str, change: Edit, expected: str) -> None:
    _edit(data_copy, file, change)
    assert expected in _problems(data_copy)


def test_invalid_yaml_names_file_and_line(data_copy: Path) -> None:
    (data_copy / "faq.yaml").write_text("faq:\n  - id: [unclosed\n", encoding="utf-8")
    assert "faq.yaml: line " in _problems(data_copy)


def test_missing_file_is_reported(data_copy: Path) -> None:
    (data_copy / "tactics.yaml").unlink()
    assert "tactics.yaml: file is missing" in _problems(data_copy)


def test_yes_and_no_stay_words_not_booleans(data_copy: Path) -> None:
    content = read_yaml(data_copy / "questions.yaml")
    assert "no" in content["questions"][1]["options"][2]["synonyms"]["en"]


def test_validate_command_exits_1_with_the_problem(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(data_copy, "tactics.yaml", lambda d: d["tactics"][0].pop("why"))
    monkeypatch.setattr(loader, "DATA_DIR", data_copy)
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "tactics.yaml: tactics.0.why: Field required" in err
    assert "Traceback" not in err


def test_validate_command_passes_on_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate"]) == 0
    assert "knowledge OK" in capsys.readouterr().out


def test_duplicate_keys_are_reported(data_copy: Path) -> None:
    path = data_copy / "classifier.yaml"
    path.write_text(path.read_text() + "  top_reasons: 4\n", encoding="utf-8")
    assert "classifier.yaml: line" in _problems(data_copy)
    assert "duplicate key 'top_reasons'" in _problems(data_copy)


def test_non_utf8_file_is_reported(data_copy: Path) -> None:
    (data_copy / "faq.yaml").write_bytes("faq: caf\xe9".encode("latin-1"))
    assert "faq.yaml: (encoding): not UTF-8 text" in _problems(data_copy)


def test_broken_questionnaire_yaml_is_reported(tmp_path: Path) -> None:
    from dialogs.flow import load_flow

    bad = tmp_path / "questionnaire.yaml"
    bad.write_text("steps: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_flow(load_knowledge(), bad)
    assert "questionnaire.yaml: line" in str(info.value)
