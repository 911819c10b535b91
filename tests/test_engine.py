"""The pure engine: state round-trips, purity, Back, stale/forged buttons, odd input."""

from __future__ import annotations

import pytest

from dialogs.engine import MAX_DESCRIPTION, Engine
from dialogs.events import Back, Cancel, Choose, Help, Restart, Start, Triage, Typed
from dialogs.render import BACK, BEGIN, KEEP
from dialogs.state import DialogState


def _asking(engine: Engine) -> DialogState:
    state = engine.step(DialogState(), Start()).state
    return engine.step(state, Choose(option=BEGIN)).state


def _answer_all(engine: Engine, state: DialogState, option_index: int = 0) -> DialogState:
    while state.phase == "asking":
        assert state.step is not None
        question = engine.kb.questions[state.step]
        if question.kind == "text":
            event = Typed(text="bookkeeping for small shops")
        else:
            event = Choose(option=question.options[option_index].id, turn=state.turn)
        state = engine.step(state, event).state
    return state


def test_state_round_trips_through_json(engine: Engine) -> None:
    state = _asking(engine)
    state = engine.step(state, Typed(text="Кофейня ☕ «у дома»")).state
    state = engine.step(state, Choose(option="sometimes")).state
    restored = DialogState.model_validate_json(state.model_dump_json())
    assert restored == state
    assert restored.answers["business"].text == "Кофейня ☕ «у дома»"


def test_step_never_mutates_its_input(engine: Engine) -> None:
    state = _asking(engine)
    before = state.model_dump_json()
    engine.step(state, Typed(text="law firm"))
    engine.step(state, Back())
    engine.step(state, Restart())
    assert state.model_dump_json() == before


def test_every_question_offers_not_sure_and_back_except_the_first(engine: Engine) -> None:
    state = _asking(engine)
    first = True
    while state.phase == "asking":
        reply = engine.step(state, Help()).replies[-1]
        ids = [o.id for o in reply.options]
        assert "not_sure" in ids
        assert (BACK in ids) is not first
        assert "▰" in reply.text and "/" in reply.text.split()[0]
        first = False
        state = _answer_all_one(engine, state)


def _answer_all_one(engine: Engine, state: DialogState) -> DialogState:
    assert state.step is not None
    question = engine.kb.questions[state.step]
    event = Typed(text="x shop") if question.kind == "text" else Choose(option="not_sure")
    return engine.step(state, event).state


def test_back_restores_the_previous_answer_for_editing(engine: Engine) -> None:
    state = _asking(engine)
    state = engine.step(state, Typed(text="dental clinic")).state
    state = engine.step(state, Choose(option="sometimes")).state
    turn = engine.step(state, Back())
    assert turn.state.step == "contract"
    selected = [o.id for o in turn.replies[0].options if o.selected]
    assert selected == ["sometimes"]
    # back to the text question: its answer can be kept as it was
    turn = engine.step(turn.state, Back())
    assert turn.state.step == "business"
    assert KEEP in [o.id for o in turn.replies[0].options]
    kept = engine.step(turn.state, Choose(option=KEEP)).state
    assert kept.answers["business"].text == "dental clinic" and kept.step == "contract"


def test_back_at_first_question_says_so_and_stays(engine: Engine) -> None:
    state = _asking(engine)
    turn = engine.step(state, Back())
    assert turn.state.step == "business"
    assert "first question" in turn.replies[0].text


def test_stale_button_gets_a_notice_and_changes_nothing(engine: Engine) -> None:
    state = _asking(engine)
    state = engine.step(state, Typed(text="law firm")).state
    old_turn = state.turn
    state = engine.step(state, Choose(option="usually", turn=old_turn)).state
    assert state.step == "commitment"
    turn = engine.step(state, Choose(option="usually", turn=old_turn))
    assert turn.state == state
    assert turn.replies[0].kind == "notice"
    assert turn.replies[-1].turn == state.turn


@pytest.mark.parametrize("forged", ["year_plus", "../../etc", "x" * 500, "", "not_sure\x00"])
def test_forged_option_is_refused_without_changing_state(engine: Engine, forged: str) -> None:
    state = _asking(engine)
    state = engine.step(state, Typed(text="law firm")).state  # now at "contract"
    turn = engine.step(state, Choose(option=forged, turn=state.turn))
    assert turn.state == state
    assert turn.replies[0].kind == "notice"


def test_very_long_description_is_kept_but_capped(engine: Engine) -> None:
    # A long real description ("bakery " * 2000 is one word repeated: asked again now).
    long = "We run a small bakery with walk-in customers and a few catering contracts. " * 30
    state = engine.step(_asking(engine), Typed(text=long)).state
    text = state.answers["business"].text
    assert text is not None and len(text) == MAX_DESCRIPTION and text.endswith("…")


def test_ambiguous_text_asks_did_you_mean_then_accepts_a_number(engine: Engine) -> None:
    state = _asking(engine)
    for _ in range(6):  # walk to the sales-cycle question
        state = _answer_all_one(engine, state)
    assert state.step == "sales_cycle"
    turn = engine.step(state, Typed(text="weeks or months"))
    assert "Did you mean" in turn.replies[0].text
    assert turn.state.pending_choices
    chosen = engine.step(turn.state, Typed(text="2")).state
    assert chosen.answers["sales_cycle"].option == turn.state.pending_choices[1]


def test_result_outcome_ignores_answers_left_off_the_path(engine: Engine) -> None:
    state = _asking(engine)
    state = engine.step(state, Typed(text="shop")).state
    state = engine.step(state, Choose(option="usually")).state
    state = engine.step(state, Choose(option="year_plus")).state
    state = engine.step(state, Back()).state
    state = engine.step(state, Back()).state
    state = engine.step(state, Choose(option="never")).state  # commitment now skipped
    done = _answer_all(engine, state, option_index=-1)
    assert done.phase == "done"
    outcome = engine.outcome(done)
    assert "commitment" not in outcome.answers
    assert outcome.verdict.model == "customer"


def test_text_after_the_result_points_to_the_buttons(engine: Engine) -> None:
    done = _answer_all(engine, _asking(engine))
    turn = engine.step(done, Typed(text="hello?"))
    assert turn.state == done
    # The choices after the result, not the whole card sent again.
    assert "result" not in [r.kind for r in turn.replies]
    menu = turn.replies[-1]
    assert {o.id for o in menu.options} >= {"tactics", "verdict", "result", "restart"}
    assert "Your model" not in menu.text


def test_first_message_of_any_kind_opens_the_welcome(engine: Engine) -> None:
    turn = engine.step(DialogState(), Typed(text="hi"))
    assert turn.state.phase == "welcome"
    assert turn.replies[0].options[0].id == BEGIN


def test_start_mid_questionnaire_keeps_answers_and_offers_to_resume(engine: Engine) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    state = engine.step(state, Choose(option="sometimes")).state
    turn = engine.step(state, Start(name="Ana"))
    assert turn.state.answers == state.answers
    assert [o.id for o in turn.replies[0].options] == ["continue", "restart"]
    resumed = engine.step(turn.state, Choose(option="continue")).state
    assert resumed.phase == "asking" and resumed.step == state.step


def test_cancel_pauses_without_losing_answers(engine: Engine) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    paused = engine.step(state, Cancel()).state
    assert paused.answers == state.answers and paused.phase == "welcome"
    assert engine.step(paused, Typed(text="continue")).state.phase == "asking"


def test_state_from_an_older_questionnaire_is_repaired(engine: Engine) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    state = engine.step(state, Choose(option="usually")).state
    old = state.model_copy(deep=True)
    old.answers["retired_question"] = old.answers["contract"]
    old.answers["contract"] = old.answers["contract"].model_copy(update={"option": "gone"})
    old.history.append("retired_question")
    old.step = "retired_question"
    turn = engine.step(old, Help())
    assert "questionnaire was updated" in turn.replies[0].text
    assert "retired_question" not in turn.state.answers
    assert turn.state.step == "contract"  # its answer was dropped, so it is asked again


def test_typed_button_words_work_after_the_result(engine: Engine) -> None:
    done = _answer_all(engine, _asking(engine))
    assert "Clientwise summary" in engine.step(done, Typed(text="summary")).replies[0].text
    assert engine.step(done, Typed(text="start over")).state.step == "business"


def test_loose_typed_answers_are_echoed_exact_ones_not(engine: Engine) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    loose = engine.step(state, Typed(text="we never sign contracts")).replies[-1].text
    assert loose.startswith("Got it: No.")
    exact = engine.step(state, Typed(text="No")).replies[-1].text
    assert not exact.startswith("Got it")


@pytest.mark.parametrize("text", ["not usually", "usually not", "they dont shop around"])
def test_negated_answers_are_not_taken_as_their_opposite(engine: Engine, text: str) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    state = engine.step(state, Choose(option="usually")).state
    state = engine.step(state, Choose(option="months")).state  # now at exclusivity
    question = "contract" if "usually" in text else "exclusivity"
    if question == "contract":
        state = engine.step(state, Back()).state
        state = engine.step(state, Back()).state
    turn = engine.step(state, Typed(text=text))
    chosen = turn.state.answers.get(question)
    assert (
        chosen is None
        or chosen.option not in {"usually", "shop_around"}
        or (chosen == state.answers.get(question))
    )
    assert turn.state.step == state.step  # asked again, not advanced on a misreading


def test_yes_to_a_guessed_no_answers_the_question_instead(engine: Engine) -> None:
    state = engine.step(DialogState(), Triage(text="gym with no contracts")).state
    state = engine.step(state, Choose(option="continue")).state
    assert state.step == "contract" and state.prefilled["contract"] == "never"
    state = engine.step(state, Typed(text="yes")).state
    assert state.answers["contract"].option == "usually"


def test_triage_never_overwrites_a_questionnaire_in_progress(engine: Engine) -> None:
    state = engine.step(_asking(engine), Typed(text="law firm")).state
    state = engine.step(state, Choose(option="usually")).state
    turn = engine.step(state, Triage(text="gym"))
    assert turn.state == state
    assert "Provisional verdict" in turn.replies[0].text


def test_cancel_when_nothing_runs_says_so(engine: Engine) -> None:
    done = _answer_all(engine, _asking(engine))
    turn = engine.step(done, Cancel())
    assert turn.state == done and "no questionnaire running" in turn.replies[0].text


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200b ", "\ud800", "🦄"])
def test_invisible_or_symbol_only_description_is_asked_again(engine: Engine, text: str) -> None:
    turn = engine.step(_asking(engine), Typed(text=text))
    assert turn.state.step == "business" and "business" not in turn.state.answers
    DialogState.model_validate_json(turn.state.model_dump_json())


def test_a_guess_left_on_an_answered_question_never_hides_the_answer(engine: Engine) -> None:
    # States stored before answers consumed their guesses still carry them: going back to
    # such a question must show the owner's answer, not the old guess.
    state = _asking(engine)
    state = engine.step(state, Typed(text="we run a bakery")).state
    assert state.step == "contract"
    state.prefilled["contract"] = "never"
    state = engine.step(state, Choose(option="usually", turn=state.turn)).state
    state.prefilled["contract"] = "never"  # as an older version left it
    turn = engine.step(state, Back())
    assert turn.state.step == "contract"
    assert "contract" not in turn.state.prefilled
    shown = [o.id for o in turn.replies[-1].options if o.selected]
    assert shown == ["usually"]
