"""``clientwise stats|recent|export|case|cases``: the staff desk in the terminal.

Each prints what the Telegram command shows (the same functions of bot/desk.py over the
database named by CLIENTWISE_DB), or with ``--json`` one JSON document for scripts.
``export`` writes the CSV to standard output row by row.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from bot import desk
from bot.storage import Store
from knowledge.model import Knowledge


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def run_stats(kb: Knowledge, store: Store, since: str | None, lang: str, as_json: bool) -> int:
    numbers = desk.stats(store, since)
    if as_json:
        _print_json(numbers.as_dict(), sys.stdout)
    else:
        print(desk.stats_text(kb, numbers, lang))
    return 0


def run_recent(kb: Knowledge, store: Store, limit: int, lang: str, as_json: bool) -> int:
    rows = desk.recent(store, limit)
    if as_json:
        _print_json([desk.case_dict(kb, r, lang) for r in rows], sys.stdout)
    else:
        print(desk.recent_text(kb, rows, lang))
    return 0


def run_export(kb: Knowledge, store: Store, since: str | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if hasattr(out, "reconfigure"):  # the CSV's own line ends, in UTF-8 whatever the locale
        out.reconfigure(encoding="utf-8", newline="")
    count = desk.write_csv(desk.export_rows(store, kb, since), out)
    print(f"clientwise: {count} result(s) exported", file=sys.stderr)
    return 0


def run_case(kb: Knowledge, store: Store, ref: str, lang: str, as_json: bool) -> int:
    row = desk.find_case(store, ref)
    if row is None:
        print(f"clientwise: no case or result {ref!r}", file=sys.stderr)
        return 2
    if as_json:
        _print_json(desk.case_dict(kb, row, lang), sys.stdout)
    else:
        print(desk.case_text(kb, row, lang))
    return 0


def run_cases(kb: Knowledge, store: Store, since: str | None, lang: str, as_json: bool) -> int:
    rows = store.iter_results(since, cases_only=True)
    if as_json:
        _print_json([desk.case_dict(kb, r, lang) for r in rows], sys.stdout)
    else:
        print("\n\n".join(desk.case_text(kb, r, lang) for r in rows))
    return 0
