"""The staff desk as plain functions over the ``Store``: history, recent results, stats,
CSV export and case summaries.

Both the Telegram handlers (bot/staff.py) and the command line (``clientwise stats``,
``recent``, ``export``, ``case``, ``cases``) call these, so a number on Telegram and in
the terminal is always the same number. Nothing here knows about Telegram. Rows are read
through ``Store.iter_results``, a cursor consumed one row at a time: stats and exports
of a large table never hold it in memory.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO

from bot.storage import Store
from dialogs import render
from knowledge.classifier import classify
from knowledge.model import NOT_SURE, Knowledge, pick

RECENT = 10
TOP = 5
BOM = "\ufeff"
# Columns of the CSV export before the answers (one column per question id after them).
FIXED_COLUMNS = (
    "id",
    "finished_at",
    "lang",
    "model",
    "score",
    "confidence",
    "confidence_label",
    "business",
    "tactics",
    "case_label",
    "staff_id",
    "user_id",
    "chat_id",
)
TACTIC_SEPARATOR = ";"


def parse_since(text: str | None) -> str | None:
    """``YYYY-MM-DD`` (or empty) → the ISO date to compare ``finished_at`` with.

    Raises ValueError for anything else, so callers can say how to write a date."""
    if text is None or not text.strip():
        return None
    return date.fromisoformat(text.strip()).isoformat()


def _answers(row: dict[str, Any]) -> dict[str, str]:
    answers: dict[str, str] = json.loads(row["answers"] or "{}")  # written by ResultRow
    return answers


def _tactics(row: dict[str, Any]) -> list[str]:
    tactics: list[str] = json.loads(row["tactics"] or "[]")  # written by ResultRow
    return tactics


def _day(row: dict[str, Any]) -> str:
    return str(row["finished_at"])[:10]


def _model_name(kb: Knowledge, model: str, lang: str) -> str:
    return pick(kb.models[model].name, lang) if model in kb.models else model


# --- /history ---------------------------------------------------------------------------


def history(store: Store, user_id: int) -> list[dict[str, Any]]:
    """An owner's results, newest first."""
    return list(reversed(store.results_for(user_id)))


def answer_changes(older: dict[str, Any], newer: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(question, answer before, answer after) for each question answered differently;
    a question answered only once shows ``NOT_SURE`` on the other side."""
    before, after = _answers(older), _answers(newer)
    return [
        (q, before.get(q, NOT_SURE), after.get(q, NOT_SURE))
        for q in dict.fromkeys([*before, *after])
        if before.get(q, NOT_SURE) != after.get(q, NOT_SURE)
    ]


def history_text(kb: Knowledge, rows: list[dict[str, Any]], lang: str) -> str:
    if not rows:
        return kb.text("history_empty", lang)
    lines = [kb.text("history_header", lang)]
    lines += [
        kb.text(
            "history_line",
            lang,
            date=_day(r),
            model=_model_name(kb, r["model"], lang),
            score=r["score"],
        )
        for r in rows
    ]
    if len(rows) >= 2:
        newer, older = rows[0], rows[1]
        lines.append("")
        lines.append(kb.text("history_score", lang, before=older["score"], after=newer["score"]))
        changes = answer_changes(older, newer)
        if not changes:
            lines.append(kb.text("history_same", lang))
        else:
            lines.append(kb.text("history_changed", lang))
            for q, was, now in changes:
                if q not in kb.questions:
                    continue
                lines.append(
                    kb.text(
                        "history_change_line",
                        lang,
                        question=pick(kb.questions[q].text, lang),
                        before=kb.option_label(q, was, lang),
                        after=kb.option_label(q, now, lang),
                    )
                )
    return "\n".join(lines)


# --- /recent ----------------------------------------------------------------------------


def recent(store: Store, limit: int = RECENT) -> list[dict[str, Any]]:
    """The latest results and cases, newest first."""
    rows: list[dict[str, Any]] = []
    for row in store.iter_results(newest_first=True):
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def recent_text(kb: Knowledge, rows: list[dict[str, Any]], lang: str) -> str:
    if not rows:
        return kb.text("recent_empty", lang)
    lines = [kb.text("recent_header", lang)]
    for r in rows:
        values = {
            "id": r["id"],
            "date": _day(r),
            "model": _model_name(kb, r["model"], lang),
            "score": r["score"],
            "lang": r["lang"],
        }
        if r.get("case_label"):
            lines.append(kb.text("recent_case_line", lang, label=r["case_label"], **values))
        else:
            lines.append(kb.text("recent_line", lang, **values))
    return "\n".join(lines)


# --- /stats -----------------------------------------------------------------------------


@dataclass
class Stats:
    since: str | None = None
    count: int = 0
    cases: int = 0
    by_model: Counter[str] = field(default_factory=Counter)
    by_lang: Counter[str] = field(default_factory=Counter)
    by_week: Counter[str] = field(default_factory=Counter)
    confidence_total: int = 0
    tactics: Counter[str] = field(default_factory=Counter)
    not_sure: Counter[str] = field(default_factory=Counter)

    @property
    def average_confidence(self) -> float | None:
        return round(self.confidence_total / self.count, 1) if self.count else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "count": self.count,
            "cases": self.cases,
            "by_model": dict(self.by_model.most_common()),
            "by_lang": dict(self.by_lang.most_common()),
            "by_week": dict(sorted(self.by_week.items())),
            "average_confidence": self.average_confidence,
            "top_tactics": dict(self.tactics.most_common(TOP)),
            "top_not_sure": dict(self.not_sure.most_common(TOP)),
        }


def week_of(finished_at: str) -> str:
    """ISO week, e.g. ``2026-W05``: weeks sort as text and read the same in any language."""
    year, week, _ = datetime.fromisoformat(finished_at).isocalendar()
    return f"{year}-W{week:02d}"


def stats(store: Store, since: str | None = None) -> Stats:
    result = Stats(since=since)
    for row in store.iter_results(since):
        result.count += 1
        result.cases += row.get("case_label") is not None
        result.by_model[row["model"]] += 1
        result.by_lang[row["lang"]] += 1
        result.by_week[week_of(row["finished_at"])] += 1
        result.confidence_total += row["confidence"] or 0
        result.tactics.update(_tactics(row))
        result.not_sure.update(q for q, o in _answers(row).items() if o == NOT_SURE)
    return result


def _counts(kb: Knowledge, lang: str, items: Iterable[tuple[str, int]]) -> str:
    separator = kb.text("list_separator", lang) + " "
    return separator.join(kb.text("count_item", lang, name=n, count=c) for n, c in items)


def stats_text(kb: Knowledge, s: Stats, lang: str) -> str:
    if not s.count:
        return kb.text("stats_empty", lang)
    since = s.since or kb.text("stats_all_time", lang)
    languages = {code: name for code, name in kb.languages.items()}
    lines = [
        kb.text("stats_header", lang, count=s.count, cases=s.cases, since=since),
        kb.text(
            "stats_models",
            lang,
            list=_counts(kb, lang, ((_model_name(kb, m, lang), c) for m, c in s.by_model.items())),
        ),
        kb.text(
            "stats_languages",
            lang,
            list=_counts(kb, lang, ((languages.get(m, m), c) for m, c in s.by_lang.items())),
        ),
        kb.text("stats_weeks", lang, list=_counts(kb, lang, sorted(s.by_week.items()))),
        kb.text("stats_confidence", lang, value=s.average_confidence),
    ]
    titles = {t.id: t.title for t in kb.tactics}
    questions = {q.id: q.text for q in kb.questions.values()}
    for key, counted, names in (
        ("stats_tactics", s.tactics, titles),
        ("stats_not_sure", s.not_sure, questions),
    ):
        # Ids no longer in the knowledge files (content changed since) are left out.
        top = [(pick(names[i], lang), c) for i, c in counted.most_common(TOP) if i in names]
        if top:
            lines.append(kb.text(key, lang, list=_counts(kb, lang, top)))
    return "\n".join(lines)


# --- export -----------------------------------------------------------------------------


def answer_columns(kb: Knowledge) -> list[str]:
    """One column per choice question, in questionnaire order."""
    return [q.id for q in kb.questions.values() if q.kind != "text"]


def export_rows(store: Store, kb: Knowledge, since: str | None = None) -> Iterator[list[Any]]:
    """The CSV rows, header first, produced one stored result at a time."""
    questions = answer_columns(kb)
    yield [*FIXED_COLUMNS, *questions]
    for row in store.iter_results(since):
        answers = _answers(row)
        fixed = [row.get(c) for c in FIXED_COLUMNS]
        fixed[FIXED_COLUMNS.index("tactics")] = TACTIC_SEPARATOR.join(_tactics(row))
        yield [*("" if v is None else v for v in fixed), *(answers.get(q, "") for q in questions)]


def write_csv(rows: Iterable[list[Any]], out: TextIO) -> int:
    """Write rows as UTF-8 CSV with a byte-order mark (spreadsheet programs need it to
    read Thai and Cyrillic); returns the number of data rows."""
    out.write(BOM)
    writer = csv.writer(out)
    count = -1
    for count, row in enumerate(rows):  # noqa: B007 (the count is the point)
        writer.writerow(row)
    return max(count, 0)


# --- cases ------------------------------------------------------------------------------


def case_dict(kb: Knowledge, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A case (or any result) for scripts: stable ids plus the pasteable summary."""
    answers = _answers(row)
    verdict = classify(kb, answers)
    reasons = [{"question": r.question, "answer": r.option} for r in verdict.reasons]
    return {
        "id": row["id"],
        "label": row.get("case_label"),
        "finished_at": row["finished_at"],
        "staff_id": row.get("staff_id"),
        "lang": row["lang"],
        "business": row.get("business"),
        "model": row["model"],
        "score": row["score"],
        "confidence": row["confidence"],
        "confidence_label": row["confidence_label"],
        "deciding_answers": reasons,
        "tactics": _tactics(row),
        "answers": answers,
        "summary": case_text(kb, row, lang),
    }


def case_text(kb: Knowledge, row: dict[str, Any], lang: str) -> str:
    """The plain-text summary of a stored case, as the bot showed it when it finished;
    the deciding answers are worked out again from the stored answers."""
    verdict = classify(kb, _answers(row))
    return render.case_summary(
        kb,
        lang,
        label=row.get("case_label") or str(row["id"]),
        business=row.get("business"),
        model=row["model"],
        score=row["score"],
        confidence_label=row["confidence_label"],
        reasons=verdict.reasons,
        tactic_ids=_tactics(row),
    )


def find_case(store: Store, ref: str) -> dict[str, Any] | None:
    """The newest case with this label, else the result with this id."""
    found = store.latest_case(ref)
    if found is None and ref.isdigit():
        found = store.result(int(ref))
    return found
