"""Explaining the current question (issue 12 §5): "what do you mean?", "what counts as a
contract?" or "why are you asking this?" typed at a question get what it means, why it
matters and an example per answer, in every language; then the same question again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from dialogs.engine import Engine
from dialogs.events import Choose, Start, Typed
from dialogs.render import question_explained
from dialogs.state import DialogState
from knowledge.explain import asks_to_explain
from knowledge.interpret import interpret_answer
from knowledge.loader import KnowledgeError, default_knowledge, load_knowledge
from knowledge.model import pick
from knowledge.raw import DATA_DIR, read_yaml

KB = default_knowledge()
LANGS = sorted(KB.languages)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("qid", list(KB.questions))
def test_every_question_is_explained_with_an_example_per_answer(lang: str, qid: str) -> None:
    state = DialogState(lang=lang, phase="asking", step=qid)
    text = question_explained(KB, state).text
    question = KB.questions[qid]
    assert pick(question.explain, lang) in text
    for option in question.options:
        assert option.example is not None
        assert lang in option.example, (qid, option.id)  # translated, not English
        assert pick(option.label, lang) in text and option.example[lang] in text
    assert lang in question.explain


@pytest.mark.parametrize(
    ("lang", "qid", "text"),
    [
        ("en", "contract", "What do you mean?"),
        ("en", "contract", "what counts as a contract?"),
        ("en", "support", "why are you asking this?"),
        ("en", "exclusivity", "sorry, I don't understand the question"),
        ("en", "concentration", "what counts as a big account?"),
        ("id", "contract", "maksudnya apa?"),
        ("th", "contract", "สัญญาหมายถึงอะไรคะ"),
        ("tr", "contract", "sözleşme olarak ne sayılır?"),
        ("ru", "contract", "что считается договором?"),
        ("ro", "commitment", "nu înțeleg întrebarea"),
    ],
)
def test_asking_about_the_question_on_screen_is_explained(lang: str, qid: str, text: str) -> None:
    assert interpret_answer(KB, qid, text, lang).kind == "explain"


@pytest.mark.parametrize(
    ("lang", "qid", "text", "faq"),
    [
        # The same words at another question ask the FAQ, not about the question.
        ("en", "support", "what counts as a contract?", "why_contracts"),
        # The two kinds of buyer are the FAQ's, whatever the question.
        ("en", "exclusivity", "what do you mean by client?", "difference"),
        ("en", "contract", "explain clients vs customers pls", "difference"),
        ("en", "contract", "can you explain the difference", "difference"),
        ("en", "purchase_pattern", "why do you ask all these questions", "how_it_works"),
    ],
)
def test_a_question_about_something_else_stays_the_faq(
    lang: str, qid: str, text: str, faq: str
) -> None:
    assert not asks_to_explain(KB, qid, text, lang)
    meaning = interpret_answer(KB, qid, text, lang)
    assert (meaning.kind, meaning.faq) == ("faq", faq)


@pytest.mark.parametrize(
    ("qid", "text", "option"),
    [
        ("contract", "huh, we never sign", "never"),  # a cue beside an answer: the answer
        ("contract", "we explain everything in the contract", "usually"),
        ("customisation", "I mean, everyone gets the same", "standard"),
    ],
)
def test_an_answer_with_a_cue_word_is_no_request(qid: str, text: str, option: str | None) -> None:
    assert not asks_to_explain(KB, qid, text, "en")
    meaning = interpret_answer(KB, qid, text, "en")
    assert meaning.option == option


def _at(engine: Engine, lang: str, steps: int) -> DialogState:
    """After /start, Start and the description: at question 2 (contract)."""
    state = engine.step(DialogState(lang=lang), Start()).state
    state = engine.step(state, Choose(option="begin")).state
    for _ in range(steps):
        state = engine.step(state, Typed(text="law firm")).state
    return state


@pytest.mark.parametrize("lang", LANGS)
def test_the_explanation_comes_with_the_same_question_and_its_buttons(lang: str) -> None:
    engine = Engine.default()
    state = _at(engine, lang, 1)
    assert state.step == "contract"
    text = {"en": "what do you mean?", "id": "maksudnya apa?", "th": "หมายถึงอะไรคะ",
            "tr": "ne demek istiyorsunuz?", "ru": "что вы имеете в виду?",
            "ro": "ce vreți să spuneți?"}[lang]  # fmt: skip
    turn = engine.step(state, Typed(text=text))
    explained, asked = turn.replies
    assert pick(KB.questions["contract"].explain, lang) in explained.text
    assert asked.kind == "question" and asked.turn == state.turn
    assert pick(KB.questions["contract"].text, lang) in asked.text
    assert turn.state.answers == state.answers and turn.state.step == "contract"
    # The buttons of the question shown before the explanation still answer it.
    after = engine.step(turn.state, Choose(option="usually", turn=state.turn)).state
    assert after.answers["contract"].option == "usually" and after.step == "commitment"


def test_the_description_question_is_explained_too() -> None:
    engine = Engine.default()
    state = _at(engine, "en", 0)
    assert state.step == "business"
    turn = engine.step(state, Typed(text="what do you mean?"))
    assert pick(KB.questions["business"].explain, "en") in turn.replies[0].text
    assert turn.state.step == "business" and "business" not in turn.state.answers


def test_an_option_without_an_example_is_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("i18n"))
    content = read_yaml(data / "questions.yaml")
    content["questions"][1]["options"][0].pop("example")
    (data / "questions.yaml").write_text(yaml.safe_dump(content, allow_unicode=True))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data)
    assert "questions.yaml: questions.1: Value error, options without an example: usually" in str(
        info.value
    )
