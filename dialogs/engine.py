"""The questionnaire engine: a pure state machine ``(state, event) -> (state, replies)``.

It never mutates the state it is given and does no I/O, so any transport can call it,
store the new state, then deliver the replies. Typed text is interpreted through
``knowledge.matching``; the verdict and tactics come from ``knowledge.classifier`` and
``knowledge.recommend``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogs import render
from dialogs.events import (
    Back,
    Cancel,
    Case,
    Choose,
    Event,
    Help,
    Language,
    Reply,
    Restart,
    Start,
    Triage,
    Typed,
)
from dialogs.flow import END, Flow, load_flow
from dialogs.state import Answer, DialogState
from knowledge.business import read_description, signal_answers
from knowledge.classifier import classify
from knowledge.explain import asks_to_explain
from knowledge.faq import match_faq
from knowledge.interpret import interpret_answer
from knowledge.language import detect_language
from knowledge.loader import default_knowledge
from knowledge.matching import match_option
from knowledge.model import NOT_SURE, Knowledge, pick
from knowledge.phrases import clean_text, normalise
from knowledge.plausible import description_problem
from knowledge.questions import (
    QuestionStrength,
    has_question_mark,
    looks_like_question,
    question_strength,
)
from knowledge.recommend import family_of, recommend
from knowledge.schema import ModelId
from knowledge.triage import TriageResult, triage

# A business description longer than this is cut: enough for any real answer, and it
# keeps pasted essays out of the stored state.
MAX_DESCRIPTION = 300
# A case label is a name or a ticket number, not a note.
MAX_CASE_LABEL = 80


@dataclass(frozen=True)
class Turn:
    state: DialogState
    replies: list[Reply]
    # Set on the turn that finished the questionnaire: the verdict and plan its result
    # card shows, for a transport that stores results.
    outcome: render.Outcome | None = None


class Engine:
    def __init__(self, kb: Knowledge, flow: Flow) -> None:
        self.kb = kb
        self.flow = flow

    @classmethod
    def default(cls) -> Engine:
        kb = default_knowledge()
        return cls(kb, load_flow(kb))

    # --- entry point --------------------------------------------------------------

    def step(self, state: DialogState, event: Event) -> Turn:
        state, repaired = self.repair(state.model_copy(deep=True))
        _drop_settled_guesses(state)
        turn = self._step(state, event)
        if repaired:
            notice = render.notice(self.kb, turn.state, "content_changed")
            return replace(turn, replies=[notice, *turn.replies])
        return turn

    def other_turn(self, state: DialogState, event: Event) -> bool:
        """A tap on a button shown on another turn than ``state``'s: it answers nothing."""
        return isinstance(event, Choose) and event.turn is not None and event.turn != state.turn

    def repair(self, state: DialogState) -> tuple[DialogState, bool]:
        """Fit a stored state to the current questionnaire after the content changed.

        Answers to removed questions or options are dropped; a current step that no longer
        exists sends the owner back to the first unanswered question. Returns the state
        and whether anything had to change.
        """
        steps = {s.id for s in self.flow.steps}
        changed = False
        for qid, answer in list(state.answers.items()):
            question = self.kb.questions.get(qid)
            valid = question is not None and (
                answer.option is None
                or answer.option == NOT_SURE
                or self.kb.option(qid, answer.option) is not None
            )
            if not valid:
                del state.answers[qid]
                changed = True
        kept = {
            q: o
            for q, o in state.prefilled.items()
            if q in self.kb.questions and self.kb.option(q, o) is not None
        }
        if kept != state.prefilled:
            state.prefilled, changed = kept, True
        if any(h not in steps for h in state.history):
            state.history, changed = [h for h in state.history if h in steps], True
        if state.business_id and all(b.id != state.business_id for b in self.kb.businesses):
            state.business_id, changed = None, True
        if state.step is not None and state.step not in steps:
            changed = True
            state.pending_choices = []
            path = self.flow.path(state.choice_answers())
            state.history = [q for q in path if q in state.answers]
            state.step = next((q for q in path if q not in state.answers), None)
            if state.step is None:  # everything on the new path is answered
                state.step = state.history.pop() if state.history else self.flow.start
            state.turn += 1
        if state.pending_choices and state.step is not None:
            options = {o.id for o in self.kb.questions[state.step].options} | {NOT_SURE}
            if not set(state.pending_choices) <= options:
                state.pending_choices, changed = [], True
        return state, changed

    def _step(self, state: DialogState, event: Event) -> Turn:
        match event:
            case Start():
                return self._start(state, event.name)
            case Restart():
                return self._restart(state)
            case Help():
                return self._then_current(state, render.help_text(self.kb, state, event.unknown))
            case Cancel():
                # Pause, keeping the answers: /start offers to continue.
                if state.phase != "asking":
                    return Turn(state, [render.notice(self.kb, state, "nothing_to_cancel")])
                state.phase, state.pending_choices = "welcome", []
                state.turn += 1
                return Turn(state, [render.notice(self.kb, state, "cancelled")])
            case Back():
                return self._back(state)
            case Choose():
                return self._choose(state, event)
            case Typed():
                return self._typed(state, event.text)
            case Triage():
                return self._triage(state, event.text)
            case Case():
                return self._case(state, event)
            case Language():
                if event.lang is None:
                    state.turn += 1
                    return Turn(state, [render.language_menu(self.kb, state)])
                return self._set_language(state, event.lang)
        raise TypeError(f"unknown event {event!r}")

    def outcome(self, state: DialogState) -> render.Outcome:
        """Verdict and plan for the answers on the owner's current path."""
        on_path = set(self.flow.path(state.choice_answers()))
        answers = {q: o for q, o in state.choice_answers().items() if q in on_path}
        expected = [q for q in on_path if self.kb.weight(q) > 0]
        business = next((a.text for q, a in state.answers.items() if q in on_path and a.text), None)
        prior = self._prior(state) if business else None
        verdict = classify(self.kb, answers, expected, prior=prior)
        family = family_of(self.kb, state.business_id) if business else None
        plan = recommend(self.kb, answers, verdict, family)
        return render.Outcome(answers=answers, business=business, verdict=verdict, plan=plan)

    def _prior(self, state: DialogState) -> tuple[str, ModelId] | None:
        for b in self.kb.businesses:
            if b.id == state.business_id:
                return b.id, b.model
        return None

    def classifying(self) -> list[str]:
        return [q for q in self.kb.questions if self.kb.weight(q) > 0]

    def triage(self, text: str, lang: str | None = None, *, default: str = "en") -> TriageResult:
        """The provisional reading of a description, in ``lang`` or, without one, in the
        language it is written in (``default`` when nothing tells)."""
        if lang is None:
            lang = detect_language(self.kb, text, default=default)
        return triage(self.kb, text, lang, self.classifying())

    # --- phases -----------------------------------------------------------------------

    def _start(self, state: DialogState, name: str | None) -> Turn:
        if render.resumable(state):
            # /start mid-questionnaire (or a menu tap) must not wipe what was answered.
            state.phase, state.pending_choices = "welcome", []
            state.turn += 1
            return Turn(state, [render.welcome(self.kb, self.flow, state, name)])
        fresh = DialogState(lang=state.lang, phase="welcome", turn=state.turn + 1)
        return Turn(fresh, [render.welcome(self.kb, self.flow, fresh, name)])

    def _restart(self, state: DialogState) -> Turn:
        fresh = DialogState(
            lang=state.lang, phase="asking", step=self.flow.start, turn=state.turn + 1
        )
        return Turn(
            fresh,
            [
                render.notice(self.kb, fresh, "restarted"),
                render.question(self.kb, self.flow, fresh),
            ],
        )

    def _begin(self, state: DialogState) -> Turn:
        state.phase, state.step, state.history = "asking", self.flow.start, []
        state.turn += 1
        return Turn(state, [render.question(self.kb, self.flow, state)])

    def current(self, state: DialogState) -> list[Reply]:
        """What the user should see now, without changing anything (e.g. after a crash);
        a state stored before the content changed is fitted to it first."""
        state = self.repair(state.model_copy(deep=True))[0]
        if state.phase == "done":  # the result may never have arrived: the card itself
            return [render.result(self.kb, state, self.outcome(state))]
        return self._current(state)

    def _then_current(self, state: DialogState, first: Reply) -> Turn:
        """A notice or an answer, then what the user should act on, unchanged."""
        return Turn(state, [first, *self._current(state)])

    def _notice(self, state: DialogState, key: str) -> Turn:
        return self._then_current(state, render.notice(self.kb, state, key))

    def _current(self, state: DialogState) -> list[Reply]:
        """Re-show what the user should act on now (after help, a notice, bad input)."""
        if state.phase == "asking":
            if state.pending_choices:
                return [render.did_you_mean(self.kb, self.flow, state, state.pending_choices)]
            return [render.question(self.kb, self.flow, state)]
        if state.phase == "done":
            return [render.result_menu(self.kb, state)]
        if state.phase == "triage":
            text = state.answers["business"].text if "business" in state.answers else ""
            result = self.triage(text or "", default=state.lang)
            return [render.triage_card(self.kb, state, result)]
        return [render.welcome(self.kb, self.flow, state, None)]

    def _back(self, state: DialogState) -> Turn:
        if state.phase == "asking" and not state.history:
            return self._notice(state, "back_at_start")
        if state.phase not in ("asking", "done") or not state.history:
            return self._notice(state, "nothing_to_go_back_to")
        state.step = state.history.pop()
        state.phase = "asking"
        state.pending_choices = []
        state.turn += 1
        return Turn(state, [render.question(self.kb, self.flow, state)])

    def _stale(self, state: DialogState) -> Turn:
        return self._notice(state, "stale_button")

    def _set_language(self, state: DialogState, lang: str) -> Turn:
        if lang not in self.kb.languages:
            state.turn += 1
            return Turn(state, [render.language_menu(self.kb, state)])
        state.lang = lang
        state.turn += 1  # the old buttons carry the old language's labels
        return self._notice(state, "language_set")

    def _choose(self, state: DialogState, event: Choose) -> Turn:
        if self.other_turn(state, event):
            return self._stale(state)
        option = event.option
        if option.startswith(render.LANGUAGE_PREFIX):  # from the /language menu, any phase
            return self._set_language(state, option.removeprefix(render.LANGUAGE_PREFIX))
        if state.phase == "triage":
            if option == render.CONTINUE:
                return self._continue_after_triage(state)
            if option == render.FRESH:
                return self._begin(DialogState(lang=state.lang, turn=state.turn))
            return self._stale(state)
        if state.phase in ("new", "welcome"):
            if option == render.CONTINUE and render.resumable(state):
                state.phase = "asking"
                state.turn += 1
                return Turn(state, [render.question(self.kb, self.flow, state)])
            if option == render.RESTART:
                return self._restart(state)
            if option == render.BEGIN:
                return self._begin(state)
            if option == render.EXPLAIN:
                state.phase = "welcome"
                return Turn(state, [render.explain(self.kb, state)])
            return self._stale(state)
        if state.phase == "done":
            return self._choose_after_result(state, option)
        # asking
        if option == render.BACK:
            return self._back(state)
        assert state.step is not None
        question = self.kb.questions[state.step]
        if option == render.KEEP and question.kind == "text" and state.step in state.answers:
            return self._advance(state, state.answers[state.step])
        valid = {o.id for o in question.options} | {NOT_SURE}
        if option not in valid:
            return self._stale(state)
        return self._advance(state, Answer(option=option))

    def _choose_after_result(self, state: DialogState, option: str) -> Turn:
        """The result's buttons. They change nothing stored and keep the turn, so the card's
        buttons stay usable while the owner pages through the tactics."""
        if option == render.RESTART:
            return self._restart(state)
        outcome = self.outcome(state)
        kb = self.kb
        if option == render.RESULT:
            return Turn(state, [render.result(kb, state, outcome)])
        if option == render.TACTICS:
            return Turn(state, [render.tactic_page(kb, state, outcome, 0)])
        page = option.removeprefix(render.TACTIC_PREFIX)
        if option.startswith(render.TACTIC_PREFIX) and page.isdigit():
            return Turn(state, [render.tactic_page(kb, state, outcome, int(page))])
        if option == render.VERDICT:
            return Turn(state, [render.verdict_details(kb, state, outcome)])
        if option == render.WHY:  # the "Why these?" button of cards sent before
            return Turn(state, [render.why_tactics(kb, state, outcome)])
        if option == render.SUMMARY:
            return Turn(state, [render.summary(kb, state, outcome)])
        return self._stale(state)

    def _typed(self, state: DialogState, text: str) -> Turn:
        text = text.strip()
        label = self._typed_label(state, text)
        if label is not None:  # typed a button's words ("summary", "back", "start over")
            return self._choose(state, Choose(option=label))
        if state.phase in ("new", "welcome", "triage"):
            return self._typed_at_welcome(state, text)
        if state.phase == "done":
            faq = self._faq_turn(state, text)
            if faq is not None:
                return faq
            # The choices, not the whole card again.
            return Turn(state, [render.result_menu(self.kb, state)])
        assert state.step is not None
        question = self.kb.questions[state.step]
        if question.kind == "text":
            return self._typed_description(state, text)

        if state.pending_choices:
            # Answering "did you mean A or B?": "1"/"2" or either label.
            picked = self._pick_pending(state, text)
            if picked:
                return self._advance(state, Answer(option=picked))
        guessed = state.prefilled.get(state.step)
        if guessed is not None and self._confirms(state, text):
            # "yes" confirms the pre-selection — unless it plainly answers the question
            # with another option ("yes" to "do they sign?" when "No" was guessed).
            explicit = match_option(self.kb, state.step, text, state.lang)
            exact = self.kb.settings.scores.exact
            if explicit.option is None or explicit.score < exact or explicit.option == guessed:
                return self._advance(state, Answer(option=guessed))
        meaning = interpret_answer(self.kb, state.step, text, state.lang)
        if meaning.kind == "option" and meaning.option is not None:
            # Say what a loosely typed answer was taken as, so a misreading shows at once.
            exact = meaning.via == "label" and meaning.confidence >= self.kb.settings.scores.exact
            echo = None if exact else self.kb.option_label(state.step, meaning.option, state.lang)
            return self._advance(state, Answer(option=meaning.option), echo=echo)
        if meaning.kind == "guess" and meaning.option is not None:
            # A loose reading: pre-select it and let the owner confirm with one tap.
            state.prefilled[state.step] = meaning.option
            state.turn += 1
            return Turn(state, [render.question(self.kb, self.flow, state)])
        if meaning.kind == "explain":  # the same question again, its buttons still valid
            return self._then_current(state, render.question_explained(self.kb, state))
        if meaning.kind == "faq" and meaning.faq is not None:
            return self._then_current(state, render.faq(self.kb, state, meaning.faq))
        if meaning.kind == "unanswerable":
            return self._notice(state, "cant_answer")
        if meaning.kind == "away":
            return self._notice(state, "take_your_time")
        if meaning.kind == "ambiguous":
            state.pending_choices = meaning.alternatives[:2]
            state.turn += 1
            return Turn(
                state, [render.did_you_mean(self.kb, self.flow, state, state.pending_choices)]
            )
        return Turn(
            state,
            [
                render.notice(
                    self.kb, state, "not_understood", example=render.example_answer(self.kb, state)
                ),
                render.question(self.kb, self.flow, state),
            ],
        )

    def _confirms(self, state: DialogState, text: str) -> bool:
        words = {w.strip() for w in self.kb.text("confirm_words", state.lang).split(",")}
        return normalise(text) in {normalise(w) for w in words if normalise(w)} or (
            text.strip() in words
        )

    def _typed_label(self, state: DialogState, text: str) -> str | None:
        """The id of a button on screen whose label was typed (case, accents, emoji aside)."""
        norm = normalise(text)
        if not norm:
            return None
        options = [o for reply in self._current(state) for o in reply.options]
        for option in options:
            if normalise(option.label) == norm:
                return option.id
        if state.phase == "asking":  # answers go through the full matcher instead
            return None
        # Outside the questionnaire a word of a label is enough: "summary", "why".
        typed = set(norm.split())
        fits = [o.id for o in options if typed <= set(normalise(o.label).split())]
        return fits[0] if len(fits) == 1 else None

    def _faq_turn(self, state: DialogState, text: str) -> Turn | None:
        """Answer a typed question from the FAQ, then show what was on screen again."""
        if not looks_like_question(self.kb, text, state.lang):
            return None
        faq = match_faq(self.kb, text, state.lang)
        first = (
            render.faq(self.kb, state, faq.id)
            if faq.id is not None
            else render.notice(self.kb, state, "cant_answer")
        )
        return self._then_current(state, first)

    def _typed_description(self, state: DialogState, text: str) -> Turn:
        text = clean_text(text, limit=None).strip()
        if not normalise(text):  # empty, or only invisible characters and symbols
            return self._notice(state, "empty_text")
        if normalise(text) in {normalise(pick(self.kb.questions_file.skip, state.lang))}:
            return self._advance(state, Answer(option=NOT_SURE))
        if asks_to_explain(self.kb, state.step or "", text, state.lang):
            return self._then_current(state, render.question_explained(self.kb, state))
        if description_problem(self.kb, text) is not None:  # a keyboard mash, not a business
            return self._notice(state, "not_a_description")
        strength = question_strength(self.kb, text, state.lang)
        if has_question_mark(text) or strength == QuestionStrength.SURE:
            faq = match_faq(self.kb, text, state.lang)
            if faq.id is not None:  # a question, not a description
                return self._then_current(state, render.faq(self.kb, state, faq.id))
        if len(text) > MAX_DESCRIPTION:
            text = text[: MAX_DESCRIPTION - 1].rstrip() + "…"
        named, signals = read_description(self.kb, text, state.lang)
        business = named[0] if named else None
        state.business_id = business.id if business else None
        answered = {q for q, a in state.answers.items() if a.option is not None}
        guesses = signal_answers(signals)
        state.prefilled = {q: o for q, o in guesses.items() if q not in answered}
        turn = self._advance(state, Answer(text=text))
        if business is None:
            return turn
        note = render.prior_notice(self.kb, state, business.id, business.model, business.phrase)
        return replace(turn, replies=[note, *turn.replies])

    def _triage(self, state: DialogState, text: str) -> Turn:
        text = text.strip()[:MAX_DESCRIPTION]
        if not normalise(text):
            return Turn(state, [render.notice(self.kb, state, "triage_empty")])
        # Staff type what the caller said, in the caller's language; the card stays in
        # the staff member's own interface language (state.lang).
        result = self.triage(text, default=state.lang)
        if not result.informative:  # "hello": no verdict from nothing
            return Turn(state, [render.notice(self.kb, state, "triage_no_information")])
        if render.resumable(state) or state.phase == "done":
            # Never overwrite a questionnaire in progress or a result: the verdict is
            # shown for reading; /restart first to start one from it.
            card = render.triage_card(self.kb, state, result).model_copy(
                update={"kind": "info", "options": [], "turn": None}
            )
            note = render.notice(self.kb, state, "triage_kept")
            return Turn(state, [card, note, *self._current(state)])
        fresh = DialogState(
            lang=state.lang,
            phase="triage",
            turn=state.turn + 1,
            answers={"business": Answer(text=text)},
            business_id=result.business.id if result.business else None,
            prefilled=result.answers,
        )
        return Turn(fresh, [render.triage_card(self.kb, fresh, result)])

    def _case(self, state: DialogState, event: Case) -> Turn:
        """A questionnaire on behalf of a caller. Right after /triage the description and
        its found answers carry over (question 1 is answered, the guesses pre-selected);
        otherwise it starts at question 1. Whatever the staff member had open is replaced."""
        label = clean_text(event.label, limit=None).strip()[:MAX_CASE_LABEL]
        if not normalise(label):
            return self._then_current(state, render.notice(self.kb, state, "case_label_missing"))
        if state.phase == "triage":
            state.case_label, state.case_subject = label, event.subject
            turn = self._continue_after_triage(state)
        else:
            fresh = DialogState(
                lang=state.lang,
                phase="asking",
                step=self.flow.start,
                turn=state.turn + 1,
                case_label=label,
                case_subject=event.subject,
            )
            turn = Turn(fresh, [render.question(self.kb, self.flow, fresh)])
        started = render.notice(self.kb, turn.state, "case_started", label=label)
        return Turn(turn.state, [started, *turn.replies])

    def _continue_after_triage(self, state: DialogState) -> Turn:
        """Into the questionnaire after /triage: the description counts as question 1."""
        state.phase, state.step, state.history = "asking", self.flow.start, []
        return self._advance(state, state.answers.get("business") or Answer(option=NOT_SURE))

    def _pick_pending(self, state: DialogState, text: str) -> str | None:
        norm = normalise(text)
        for n, option in enumerate(state.pending_choices, start=1):
            label = self.kb.option_label(state.step or "", option, state.lang)
            if norm in (str(n), normalise(label)):
                return option
        return None

    def _typed_at_welcome(self, state: DialogState, text: str) -> Turn:
        faq = self._faq_turn(state, text)
        if faq is not None:
            return faq
        norm = normalise(text)
        # The first welcome's buttons by number or label (whichever prompt is on screen);
        # the earlier button wins a clash, and the begin words always mean Start.
        typed: dict[str, str] = {}
        buttons = render.welcome_options(self.kb, state.lang)
        for n, option in reversed(list(enumerate(buttons, start=1))):
            typed[str(n)] = typed[normalise(option.label)] = option.id
        begin_words = self.kb.text("begin_words", state.lang).split(",")
        typed |= {normalise(w): render.BEGIN for w in begin_words}
        picked = typed.get(norm)
        if picked == render.BEGIN:
            return self._begin(state)
        if picked == render.EXPLAIN:
            state.phase = "welcome"
            return Turn(state, [render.explain(self.kb, state)])
        if state.phase == "new":
            return self._start(state, None)
        if state.phase == "triage" or render.resumable(state):
            return Turn(state, self._current(state))
        return self._notice(state, "tap_start")

    def _advance(self, state: DialogState, answer: Answer, echo: str | None = None) -> Turn:
        assert state.step is not None
        state.answers[state.step] = answer
        state.pending_choices = []
        state.prefilled.pop(state.step, None)  # a guess is settled once the question is answered
        state.history.append(state.step)
        nxt = self.flow.next_step(state.step, state.choice_answers())
        state.turn += 1
        if nxt == END:
            state.phase, state.step = "done", None
            outcome = self.outcome(state)
            replies = [render.result(self.kb, state, outcome)]
            if state.case_label is not None:  # the compact note to paste into a ticket
                replies.append(render.case_summary_reply(self.kb, state, outcome))
            return Turn(state, replies, outcome=outcome)
        state.step = nxt
        return Turn(state, [render.question(self.kb, self.flow, state, echo=echo)])


def _drop_settled_guesses(state: DialogState) -> None:
    """Keep a guess only where it can still be confirmed: on an unanswered question, or on
    the current one (a correction typed after /back). Guesses left on answered questions —
    by states stored before answers consumed them — would otherwise hide those answers."""
    for qid in [q for q in state.prefilled if q in state.answers and q != state.step]:
        del state.prefilled[qid]
