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
from knowledge.interpret import faq_for, interpret_answer, match_business, match_faq


def _print(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def run_triage(engine: Engine, text: str, lang: str, *, as_json: bool) -> int:
    result = engine.triage(text, lang)
    v = result.verdict
    if not as_json:
        state = DialogState(lang=lang, phase="triage")
        print(render.triage_card(engine.kb, state, result).text)
        return 0
    _print(
        {
            "text": text,
            "lang": lang,
            "model": v.model,
            "score": v.score,
            "confidence": v.confidence,
            "confidence_label": v.confidence_label,
            "hybrid_rule": v.hybrid_rule,
            "business_type": result.business.id if result.business else None,
            "business_type_model": result.business.model if result.business else None,
            "signals": [s.model_dump() for s in result.signals],
            "answers": result.answers,
            "ask_next": result.ask_next,
        }
    )
    return 0


def run_match(engine: Engine, text: str, lang: str, question: str | None, *, as_json: bool) -> int:
    kb = engine.kb
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
