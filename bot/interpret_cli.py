"""``clientwise triage`` and ``clientwise match``: the bot's reading of a text, for scripts.

Both print one JSON object with ``--json`` (stable ids from the knowledge files), or a
short human-readable view otherwise. The interpretation is exactly what the chat does.
"""

from __future__ import annotations

import json
import sys

from dialogs import render
from dialogs.engine import Engine
from dialogs.state import DialogState
from knowledge.business import match_business
from knowledge.faq import faq_for, match_faq
from knowledge.interpret import interpret_answer
from knowledge.language import detect_language


def _print(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def run_triage(engine: Engine, text: str, lang: str | None, *, as_json: bool) -> int:
    """Without ``lang`` the text is read in the language it is written in."""
    lang = lang or detect_language(engine.kb, text)
    result = engine.triage(text, lang)
    v = result.verdict
    if not as_json:
        if not result.informative:
            print(engine.kb.text("triage_no_information", lang))
            return 0
        state = DialogState(lang=lang, phase="triage")
        print(render.triage_card(engine.kb, state, result).text)
        return 0
    # No business type and no signal: no verdict ("verdict": null) and why, not the
    # empty default reading.
    reading = result.informative
    _print(
        {
            "text": text,
            "lang": lang,
            "verdict": v.model if reading else None,
            "reason": None if reading else "no_business_information",
            "model": v.model if reading else None,
            "score": v.score if reading else None,
            "confidence": v.confidence if reading else None,
            "confidence_label": v.confidence_label if reading else None,
            "hybrid_rule": v.hybrid_rule if reading else None,
            "business_type": result.business.id if result.business else None,
            "business_type_model": result.business.model if result.business else None,
            "signals": [s.model_dump() for s in result.signals],
            "answers": result.answers,
            "ask_next": result.ask_next,
        }
    )
    return 0


def run_match(
    engine: Engine, text: str, lang: str | None, question: str | None, *, as_json: bool
) -> int:
    """Without ``lang`` the text is read in the language it is written in."""
    kb = engine.kb
    lang = lang or detect_language(kb, text)
    if question is not None and (
        question not in kb.questions or kb.questions[question].kind != "choice"
    ):
        choices = sorted(q for q, item in kb.questions.items() if item.kind == "choice")
        print(f"clientwise: --question must be one of {choices}", file=sys.stderr)
        return 2
    payload: dict[str, object] = {"text": text, "lang": lang, "question": question}
    if question is not None:
        meaning = interpret_answer(kb, question, text, lang)
        payload.update(meaning.model_dump())
    else:
        faq = match_faq(kb, text, lang)
        topic = faq_for(kb, text, lang)
        business = match_business(kb, text, lang)
        payload.update(
            kind="faq" if topic else "none",
            faq=topic,
            confidence=round(faq.score, 1),
            business_type=business.id if business else None,
        )
    if as_json:
        _print(payload)
    else:
        print(", ".join(f"{k}={v}" for k, v in payload.items() if v not in (None, [], "")))
    return 0
