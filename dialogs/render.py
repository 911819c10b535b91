"""Builds the engine's replies (text + options) from knowledge texts.

All wording comes from ``knowledge/data/*.yaml`` via ``Knowledge.text``; this module
only decides which pieces go together and in what order.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.events import Reply, ReplyOption
from dialogs.flow import Flow
from dialogs.state import DialogState
from knowledge.classifier import PRIOR, Reason, Verdict
from knowledge.model import NOT_SURE, Knowledge, pick
from knowledge.recommend import Plan, first_step
from knowledge.schema import ModelId
from knowledge.triage import TriageResult

# Action ids shared by all transports (buttons that are not questionnaire answers).
BEGIN, EXPLAIN, BACK, KEEP = "begin", "explain", "back", "keep"
RESTART, WHY, SUMMARY = "restart", "why", "summary"
CONTINUE, FRESH = "continue", "fresh"
# After the result: every tactic one by one ("tactic_<index>"), the verdict explained, the
# card again.
TACTICS, VERDICT, RESULT = "tactics", "verdict", "result"
TACTIC_PREFIX = "tactic_"
LANGUAGE_PREFIX = "lang_"

BAR_FULL, BAR_EMPTY = "▰", "▱"
AXIS_CELLS = 10
TEXT_PREVIEW = 40
# A callback toast holds 200 characters; the question quoted in one is cut to this.
TOAST_QUESTION = 90


@dataclass(frozen=True)
class Outcome:
    answers: dict[str, str]
    business: str | None
    verdict: Verdict
    plan: Plan


def _opt(kb: Knowledge, key: str, lang: str, action: str) -> ReplyOption:
    return ReplyOption(id=action, label=kb.text(key, lang))


def resumable(state: DialogState) -> bool:
    """An unfinished questionnaire with answers worth keeping."""
    return state.phase in ("welcome", "asking") and state.step is not None and bool(state.answers)


def welcome(kb: Knowledge, flow: Flow, state: DialogState, name: str | None) -> Reply:
    lang = state.lang
    greeting = kb.text("greeting_named", lang, name=name) if name else kb.text("greeting", lang)
    if resumable(state):
        n, total = progress(flow, state)
        return Reply(
            kind="question",
            text=kb.text("resume_prompt", lang, greeting=greeting, n=n, total=total),
            options=[
                _opt(kb, "btn_resume", lang, CONTINUE),
                _opt(kb, "btn_restart", lang, RESTART),
            ],
            turn=state.turn,
        )
    count = len(flow.path(state.choice_answers()))
    return Reply(
        kind="question",
        text=kb.text("welcome", lang, greeting=greeting, count=count),
        options=welcome_options(kb, lang),
        turn=state.turn,
    )


def welcome_options(kb: Knowledge, lang: str) -> list[ReplyOption]:
    """The first welcome's buttons, in order (typed "1"/"2" pick them too)."""
    return [_opt(kb, "btn_begin", lang, BEGIN), _opt(kb, "btn_explain", lang, EXPLAIN)]


def language_menu(kb: Knowledge, state: DialogState) -> Reply:
    """Each language in its own name, so anyone can find theirs; the current one says so
    in its own words (not the "your answer" mark of a question's options)."""
    options = [
        ReplyOption(
            id=f"{LANGUAGE_PREFIX}{code}",
            label=kb.text("language_current", state.lang, language=name)
            if code == state.lang
            else name,
        )
        for code, name in kb.languages.items()
    ]
    return Reply(
        kind="question",
        text=kb.text("choose_language", state.lang),
        options=options,
        turn=state.turn,
    )


def explain(kb: Knowledge, state: DialogState) -> Reply:
    lang = state.lang
    g = kb.glossary
    text = kb.text(
        "explain",
        lang,
        client=pick(g.client.term, lang),
        client_meaning=pick(g.client.meaning, lang),
        customer=pick(g.customer.term, lang),
        customer_meaning=pick(g.customer.meaning, lang),
    )
    return Reply(
        kind="question", text=text, options=[_opt(kb, "btn_begin", lang, BEGIN)], turn=state.turn
    )


def help_text(kb: Knowledge, state: DialogState, unknown: str | None = None) -> Reply:
    """The help; after an unknown /command, a line saying so comes first."""
    text = kb.text("help", state.lang)
    if unknown:
        text = kb.text("unknown_command", state.lang, command=unknown) + "\n" + text
    return Reply(kind="info", text=text)


def notice(kb: Knowledge, state: DialogState, key: str, **values: object) -> Reply:
    return Reply(kind="notice", text=kb.text(key, state.lang, **values))


def progress(flow: Flow, state: DialogState) -> tuple[int, int]:
    path = flow.path(state.choice_answers())
    total = len(path)
    n = path.index(state.step) + 1 if state.step in path else len(state.history) + 1
    return n, total


def _question_line(kb: Knowledge, flow: Flow, state: DialogState) -> str:
    assert state.step is not None
    n, total = progress(flow, state)
    bar = BAR_FULL * n + BAR_EMPTY * (total - n)
    text = pick(kb.questions[state.step].text, state.lang)
    return kb.text("question", state.lang, n=n, total=total, bar=bar, text=text)


def earlier_button_notice(kb: Knowledge, flow: Flow, state: DialogState) -> str:
    """Short enough for a callback toast: which question (or the result) is current now."""
    if state.phase == "done":
        return kb.text("earlier_button_done", state.lang)
    if state.phase != "asking" or state.step is None:
        return kb.text("stale_button", state.lang)
    n, total = progress(flow, state)
    text = pick(kb.questions[state.step].text, state.lang)
    if len(text) > TOAST_QUESTION:
        text = text[: TOAST_QUESTION - 1].rstrip() + "…"
    current = kb.text("question_ref", state.lang, n=n, total=total, text=text)
    return kb.text("earlier_button", state.lang, current=current)


def question(kb: Knowledge, flow: Flow, state: DialogState, echo: str | None = None) -> Reply:
    """The current question; ``echo`` confirms how a typed answer was understood."""
    assert state.step is not None
    lang = state.lang
    q = kb.questions[state.step]
    parts = [kb.text("understood", lang, answer=echo)] if echo else []
    parts.append(_question_line(kb, flow, state))
    if q.hint:
        parts.append(pick(q.hint, lang))
    previous = state.answers.get(q.id)
    options: list[ReplyOption] = []
    if q.kind == "text":
        if previous and previous.text:
            shown = previous.text[:TEXT_PREVIEW] + (
                "…" if len(previous.text) > TEXT_PREVIEW else ""
            )
            parts.append(kb.text("previous_text", lang, answer=previous.text))
            options.append(ReplyOption(id=KEEP, label=kb.text("btn_keep", lang, answer=shown)))
        options.append(ReplyOption(id=NOT_SURE, label=pick(kb.questions_file.skip, lang)))
    else:
        # A guess is only ever pending for a question not yet answered on this visit (an
        # answer consumes it), so a guess read from text typed after /back outranks the
        # earlier answer: the owner is correcting it.
        chosen = state.prefilled.get(q.id)
        if chosen:
            parts.append(
                kb.text("prefilled_answer", lang, answer=kb.option_label(q.id, chosen, lang))
            )
        elif previous and previous.option:
            chosen = previous.option
            parts.append(
                kb.text("previous_answer", lang, answer=kb.option_label(q.id, chosen, lang))
            )
        options = [
            ReplyOption(id=o.id, label=pick(o.label, lang), selected=o.id == chosen)
            for o in q.options
        ]
        options.append(
            ReplyOption(
                id=NOT_SURE,
                label=pick(kb.questions_file.not_sure, lang),
                selected=chosen == NOT_SURE,
            )
        )
    if state.history:
        options.append(_opt(kb, "btn_back", lang, BACK))
    return Reply(kind="question", text="\n".join(parts), options=options, turn=state.turn)


def did_you_mean(kb: Knowledge, flow: Flow, state: DialogState, choices: list[str]) -> Reply:
    assert state.step is not None
    lang = state.lang
    labels = [kb.option_label(state.step, c, lang) for c in choices]
    options = [ReplyOption(id=c, label=label) for c, label in zip(choices, labels, strict=True)]
    if NOT_SURE not in choices:
        options.append(ReplyOption(id=NOT_SURE, label=pick(kb.questions_file.not_sure, lang)))
    if state.history:
        options.append(_opt(kb, "btn_back", lang, BACK))
    text = (
        _question_line(kb, flow, state)
        + "\n"
        + kb.text("did_you_mean", lang, first=labels[0], second=labels[1])
    )
    return Reply(kind="question", text=text, options=options, turn=state.turn)


def example_answer(kb: Knowledge, state: DialogState) -> str:
    assert state.step is not None
    q = kb.questions[state.step]
    if q.kind == "text":
        return pick(q.hint, state.lang) if q.hint else ""
    first = q.options[0]
    synonyms = first.synonyms.get(state.lang) or []
    return synonyms[0] if synonyms else pick(first.label, state.lang)


def _axis(kb: Knowledge, lang: str, score: int) -> str:
    marker = min(AXIS_CELLS - 1, score * AXIS_CELLS // 100)
    cells = "".join(BAR_FULL if i == marker else BAR_EMPTY for i in range(AXIS_CELLS))
    return kb.text(
        "axis",
        lang,
        customers=kb.text("axis_customers", lang),
        bar=cells,
        clients=kb.text("axis_clients", lang),
    )


def _answer_quote(kb: Knowledge, qid: str, oid: str, lang: str) -> str:
    return kb.option_label(qid, oid, lang)


def _business_name(kb: Knowledge, business_id: str, lang: str) -> str:
    business = next(b for b in kb.businesses if b.id == business_id)
    return pick(business.name, lang)


def reason_line(kb: Knowledge, reason: Reason, lang: str) -> str:
    if reason.question == PRIOR:
        business = next(b for b in kb.businesses if b.id == reason.option)
        return kb.text(
            "reason_prior",
            lang,
            business=pick(business.name, lang),
            model=pick(kb.models[business.model].name, lang),
        )
    option = kb.option(reason.question, reason.option)
    assert option is not None
    return kb.text(
        "reason_line",
        lang,
        why=pick(option.why, lang),
        answer=_answer_quote(kb, reason.question, reason.option, lang),
    )


def _reason_short(kb: Knowledge, reason: Reason, lang: str, key: str = "summary_signal") -> str:
    """A deciding answer in a few words: its topic and the owner's answer, worded by
    ``key`` (the summary's line, or the result card's)."""
    if reason.question == PRIOR:
        return _business_name(kb, reason.option, lang)
    dimension = kb.dimensions[kb.questions[reason.question].dimension or ""]
    return kb.text(
        key,
        lang,
        name=pick(dimension.name, lang),
        answer=_answer_quote(kb, reason.question, reason.option, lang),
    )


def prior_notice(
    kb: Knowledge, state: DialogState, business_id: str, model: ModelId, words: str = ""
) -> Reply:
    """The business echoed in the owner's own ``words`` (the phrase that named it:
    "petrol station", not the label "Gas station"); its local name when there are none."""
    return Reply(
        kind="notice",
        text=kb.text(
            "prior_notice",
            state.lang,
            business=words or _business_name(kb, business_id, state.lang),
            model=pick(kb.models[model].name, state.lang),
        ),
    )


def faq(kb: Knowledge, state: DialogState, faq_id: str) -> Reply:
    entry = next(f for f in kb.faq if f.id == faq_id)
    return Reply(kind="info", text=pick(entry.answer, state.lang))


def question_explained(kb: Knowledge, state: DialogState) -> Reply:
    """What the current question means and why it matters, with a business that would
    give each answer; the question itself follows it (the engine re-shows it)."""
    assert state.step is not None
    lang = state.lang
    q = kb.questions[state.step]
    if not q.options:  # the description question: nothing to pick, no examples
        return Reply(kind="info", text=pick(q.explain, lang))
    examples = [
        kb.text("question_example", lang, answer=pick(o.label, lang), example=pick(o.example, lang))
        for o in q.options
        if o.example is not None
    ]
    text = kb.text(
        "question_explained", lang, explain=pick(q.explain, lang), examples="\n".join(examples)
    )
    return Reply(kind="info", text=text)


def triage_card(kb: Knowledge, state: DialogState, result: TriageResult) -> Reply:
    lang = state.lang
    v = result.verdict
    lines = [
        kb.text(
            "triage_header",
            lang,
            headline=pick(kb.models[v.model].headline, lang),
            score=v.score,
            confidence=kb.text(f"confidence_{v.confidence_label}", lang),
        ),
        _axis(kb, lang, v.score),
    ]
    if result.business is not None:
        lines.append(
            kb.text(
                "triage_business",
                lang,
                business=_business_name(kb, result.business.id, lang),
                model=pick(kb.models[result.business.model].name, lang),
            )
        )
    else:
        lines.append(kb.text("triage_no_business", lang))
    lines.append("")
    if result.signals:
        lines.append(kb.text("triage_signals_header", lang))
        signals = {s.id: s for s in kb.signals_file.signals}
        for found in result.signals:
            lines.append(
                kb.text(
                    "triage_signal_line",
                    lang,
                    label=pick(signals[found.id].label, lang),
                    phrase=found.phrase,
                    answer=kb.option_label(found.question, found.option, lang),
                )
            )
    else:
        lines.append(kb.text("triage_no_signals", lang))
    if result.ask_next:
        lines.append("")
        lines.append(kb.text("triage_ask_header", lang))
        lines.extend(
            kb.text("triage_ask_line", lang, question=pick(kb.questions[q].text, lang))
            for q in result.ask_next
        )
    return Reply(
        kind="question",
        text="\n".join(lines),
        options=[
            _opt(kb, "btn_continue", lang, CONTINUE),
            _opt(kb, "btn_fresh", lang, FRESH),
        ],
        turn=state.turn,
    )


def _header(kb: Knowledge, lang: str, v: Verdict) -> str:
    return kb.text(
        "result_header",
        lang,
        headline=pick(kb.models[v.model].headline, lang),
        score=v.score,
        confidence=kb.text(f"confidence_{v.confidence_label}", lang),
    )


def _certainty_notes(kb: Knowledge, lang: str, v: Verdict) -> list[str]:
    """What is uncertain, said so that it agrees with the confidence in the header: never
    "treat this as a first estimate" beside "high confidence", and a score at the very end
    of the scale with low confidence says the side is clearer than the number."""
    if v.hybrid_rule == "no_answers":
        return [kb.text("result_no_answers", lang)]
    notes: list[str] = []
    if v.not_sure:
        key = "result_not_sure_high" if v.confidence_label == "high" else "result_not_sure_note"
        notes.append(kb.text(key, lang, count=v.not_sure))
    if v.confidence_label == "low" and v.score in (0, 100):
        notes.append(kb.text("result_extreme_uncertain", lang, coverage=round(v.coverage * 100)))
    return notes


def _menu(kb: Knowledge, lang: str, shown: str | None = None) -> list[ReplyOption]:
    """The buttons after the result, but the one for what is on screen now."""
    buttons = [
        ("btn_all_tactics", TACTICS),
        ("btn_why_verdict", VERDICT),
        ("btn_result", RESULT),
        ("btn_summary", SUMMARY),
        ("btn_restart", RESTART),
    ]
    return [_opt(kb, key, lang, action) for key, action in buttons if action != shown]


def result(kb: Knowledge, state: DialogState, outcome: Outcome) -> Reply:
    """The result card: one phone screen — verdict, the score bar, the answers that
    decided it and one thing to do first. Everything else is a button away."""
    lang = state.lang
    v = outcome.verdict
    lines = [_header(kb, lang, v), _axis(kb, lang, v.score)]
    if v.hybrid_rule == "no_answers":
        lines.append(kb.text("result_no_answers", lang))
    elif v.reasons:
        separator = kb.text("list_separator", lang) + " "
        decided = separator.join(
            _reason_short(kb, r, lang, "card_reason") for r in v.reasons[:CARD_REASONS]
        )
        lines.append(kb.text("card_decided", lang, reasons=decided))
    lines.extend(note for note in _certainty_notes(kb, lang, v) if note not in lines)
    if outcome.plan.tactics:
        first = outcome.plan.tactics[0]
        t = kb.tactics_by_id[first.id]
        lines.append("")
        lines.append(
            kb.text(
                "card_first",
                lang,
                title=pick(t.title, lang),
                first_step=first_step(t, outcome.plan.family, lang),
            )
        )
    return Reply(
        kind="result",
        text="\n".join(lines),
        options=_menu(kb, lang, RESULT),
        turn=state.turn,
    )


# The card names this many deciding answers; "Why this verdict?" has them all.
CARD_REASONS = 3


def result_menu(kb: Knowledge, state: DialogState) -> Reply:
    """What typed text after the result gets: the choices, not the whole card again."""
    return Reply(
        kind="question",
        text=kb.text("result_menu", state.lang),
        options=_menu(kb, state.lang),
        turn=state.turn,
    )


def verdict_details(kb: Knowledge, state: DialogState, outcome: Outcome) -> Reply:
    """ "Why this verdict?": what the model means, every deciding answer, the advice."""
    lang = state.lang
    v = outcome.verdict
    lines = [_header(kb, lang, v), pick(kb.models[v.model].definition, lang)]
    lines.extend(_certainty_notes(kb, lang, v))
    if v.reasons:
        lines.append("")
        lines.append(kb.text("why_header", lang))
        lines.extend(reason_line(kb, r, lang) for r in v.reasons)
    for advice_id in outcome.plan.advice:
        advice = next(a for a in kb.advice if a.id == advice_id)
        lines.append("")
        lines.append(pick(advice.text, lang))
    return Reply(
        kind="info", text="\n".join(lines), options=_menu(kb, lang, VERDICT), turn=state.turn
    )


def _tactic_basis(kb: Knowledge, state: DialogState, outcome: Outcome, index: int) -> str:
    """Why this tactic for this owner, from the answers they gave and the trade they named."""
    lang = state.lang
    picked = outcome.plan.tactics[index]
    business = kb.business(state.business_id) if outcome.plan.family else None
    bases: list[str] = []
    if picked.because:
        answers = (kb.text("list_separator", lang) + " ").join(
            kb.text(
                "answer_pair",
                lang,
                question=pick(kb.questions[q].text, lang),
                answer=_answer_quote(kb, q, o, lang),
            )
            for q, o in picked.because
        )
        bases.append(kb.text("why_tactic_answers", lang, answers=answers))
    if picked.trade and business is not None:
        bases.append(kb.text("why_tactic_trade", lang, business=pick(business.name, lang)))
    model_name = pick(kb.models[outcome.verdict.model].name, lang)
    # One line each: the answers list has no full stop to continue after.
    return "\n".join(bases) or kb.text("why_tactic_model", lang, model=model_name)


def tactic_page(kb: Knowledge, state: DialogState, outcome: Outcome, index: int) -> Reply:
    """One tactic per message: title, why it helps, why for this owner, the first step."""
    lang = state.lang
    tactics = outcome.plan.tactics
    index = max(0, min(index, len(tactics) - 1))
    t = kb.tactics_by_id[tactics[index].id]
    text = kb.text(
        "tactic_page",
        lang,
        n=index + 1,
        total=len(tactics),
        title=pick(t.title, lang),
        why=pick(t.why, lang),
        basis=_tactic_basis(kb, state, outcome, index),
        first_step=first_step(t, outcome.plan.family, lang),
    )
    if index == len(tactics) - 1 and outcome.plan.family is None:
        text += "\n\n" + kb.text("why_no_trade", lang)
    options: list[ReplyOption] = []
    if index + 1 < len(tactics):
        options.append(_opt(kb, "btn_next", lang, f"{TACTIC_PREFIX}{index + 1}"))
    if index > 0:
        options.append(_opt(kb, "btn_previous", lang, f"{TACTIC_PREFIX}{index - 1}"))
    options += [o for o in _menu(kb, lang, TACTICS) if o.id in (RESULT, VERDICT, RESTART)]
    return Reply(kind="info", text=text, options=options, turn=state.turn)


def why_tactics(kb: Knowledge, state: DialogState, outcome: Outcome) -> Reply:
    """Every tactic with why it was picked (the "Why these?" button of earlier cards)."""
    lang = state.lang
    lines = [kb.text("why_tactics_header", lang)]
    for n, picked in enumerate(outcome.plan.tactics, start=1):
        t = kb.tactics_by_id[picked.id]
        lines.append(
            kb.text(
                "why_tactic_line",
                lang,
                n=n,
                title=pick(t.title, lang),
                why=pick(t.why, lang),
                basis=_tactic_basis(kb, state, outcome, n - 1),
            )
        )
    if outcome.plan.family is None:
        lines.append(kb.text("why_no_trade", lang))
    return Reply(kind="info", text="\n".join(lines))


def summary(kb: Knowledge, state: DialogState, outcome: Outcome) -> Reply:
    lang = state.lang
    v = outcome.verdict
    separator = kb.text("list_separator", lang) + " "
    signals = separator.join(_reason_short(kb, r, lang) for r in v.reasons)
    tactics = separator.join(pick(kb.tactics_by_id[p.id].title, lang) for p in outcome.plan.tactics)
    text = kb.text(
        "summary",
        lang,
        business=outcome.business or kb.text("none_placeholder", lang),
        model=pick(kb.models[v.model].name, lang),
        score=v.score,
        confidence=kb.text(f"confidence_{v.confidence_label}", lang),
        signals=signals or kb.text("none_placeholder", lang),
        tactics=tactics,
    )
    return Reply(kind="info", text=text)


def case_summary(
    kb: Knowledge,
    lang: str,
    *,
    label: str,
    business: str | None,
    model: str,
    score: int,
    confidence_label: str,
    reasons: list[Reason],
    tactic_ids: list[str],
) -> str:
    """A staff case in a few plain lines, made to be pasted into a ticket or CRM: the
    label, the verdict, the deciding answers and the top tactics (no buttons, no bars)."""
    separator = kb.text("list_separator", lang) + " "
    none = kb.text("none_placeholder", lang)
    answers = separator.join(_reason_short(kb, r, lang) for r in reasons)
    tactics = separator.join(
        pick(kb.tactics_by_id[t].title, lang) for t in tactic_ids if t in kb.tactics_by_id
    )
    return kb.text(
        "case_summary",
        lang,
        label=label,
        business=business or none,
        model=pick(kb.models[model].name, lang) if model in kb.models else model,
        score=score,
        confidence=kb.text(f"confidence_{confidence_label}", lang),
        answers=answers or none,
        tactics=tactics or none,
    )


def case_summary_reply(kb: Knowledge, state: DialogState, outcome: Outcome) -> Reply:
    v = outcome.verdict
    text = case_summary(
        kb,
        state.lang,
        label=state.case_label or "",
        business=outcome.business,
        model=v.model,
        score=v.score,
        confidence_label=v.confidence_label,
        reasons=v.reasons,
        tactic_ids=[t.id for t in outcome.plan.tactics],
    )
    return Reply(kind="info", text=text)
