"""The message keys the code uses, with the placeholders it fills for each.

The loader checks messages.yaml against this table, so a missing key or a mistyped
``{placeholder}`` fails at start-up instead of in front of a user.
"""

from __future__ import annotations

_EMPTY: frozenset[str] = frozenset()

REQUIRED_MESSAGES: dict[str, frozenset[str]] = {
    "greeting": _EMPTY,
    "greeting_named": frozenset({"name"}),
    "welcome": frozenset({"greeting", "count"}),
    "btn_begin": _EMPTY,
    "btn_explain": _EMPTY,
    "begin_words": _EMPTY,
    "explain": frozenset({"client", "client_meaning", "customer", "customer_meaning"}),
    "help": _EMPTY,
    "question": frozenset({"n", "total", "bar", "text"}),
    "previous_text": frozenset({"answer"}),
    "btn_keep": frozenset({"answer"}),
    "previous_answer": frozenset({"answer"}),
    "btn_back": _EMPTY,
    "did_you_mean": frozenset({"first", "second"}),
    "axis": frozenset({"customers", "bar", "clients"}),
    "axis_customers": _EMPTY,
    "axis_clients": _EMPTY,
    "result_header": frozenset({"headline", "score", "confidence"}),
    "confidence_high": _EMPTY,
    "confidence_medium": _EMPTY,
    "confidence_low": _EMPTY,
    "result_no_answers": _EMPTY,
    "result_not_sure_note": frozenset({"count"}),
    "why_header": _EMPTY,
    "reason_line": frozenset({"why", "answer"}),
    "tactics_header": _EMPTY,
    "tactic_line": frozenset({"n", "title", "first_step"}),
    "btn_restart": _EMPTY,
    "btn_why": _EMPTY,
    "btn_summary": _EMPTY,
    "why_tactics_header": _EMPTY,
    "answer_pair": frozenset({"question", "answer"}),
    "why_tactic_answers": frozenset({"answers"}),
    "why_tactic_model": frozenset({"model"}),
    "why_tactic_line": frozenset({"n", "title", "why", "basis"}),
    "summary": frozenset({"business", "model", "score", "confidence", "signals", "tactics"}),
    "restarted": _EMPTY,
    "back_at_start": _EMPTY,
    "nothing_to_go_back_to": _EMPTY,
    "stale_button": _EMPTY,
    "already_done": _EMPTY,
    "empty_text": _EMPTY,
    "not_understood": frozenset({"example"}),
    "tap_start": _EMPTY,
    "terminal_intro": _EMPTY,
    "terminal_go_live": _EMPTY,
    "terminal_prompt": _EMPTY,
    "terminal_selected": _EMPTY,
    "terminal_bye": _EMPTY,
}
