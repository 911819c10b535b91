"""The ``clientwise`` command: run the bot (terminal chat without a token), validate.

    clientwise              run: Telegram when TELEGRAM_BOT_TOKEN is set, else terminal chat
    clientwise run --mode polling|webhook
                            Telegram only (what the Procfile's worker/web processes use)
    clientwise chat         the terminal chat, whatever the environment says
    clientwise validate     check the knowledge files and the questionnaire, then exit
    clientwise triage [--json] [--lang L] "<one line>"
                            provisional verdict from a description, for staff and scripts
    clientwise match [--json] [--question ID] [--lang L] "<text>"
                            what a typed text is taken to be (option, FAQ topic or nothing)
                            (both read the text in its own language unless --lang is given)
    clientwise stats [--since DATE] [--json] [--lang L]
    clientwise recent [--limit N] [--json] [--lang L]
    clientwise export [--since DATE] > results.csv
    clientwise case [--json] [--lang L] LABEL|ID
    clientwise cases [--since DATE] [--json] [--lang L]
                            the staff desk over CLIENTWISE_DB (see bot/desk.py)
    clientwise advise [--json] [--lang L] [--business "<text>"] [--answer Q=O …]
                            verdict and plan for a description and answers (dialogs.advise)

Exit codes: 0 fine, 1 invalid knowledge files, 2 invalid settings or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import ConfigError, load_settings
from dialogs.engine import Engine
from dialogs.flow import load_flow
from knowledge.i18n import supported_language
from knowledge.loader import KnowledgeError, load_knowledge


def _engine() -> Engine:
    kb = load_knowledge()
    return Engine(kb, load_flow(kb))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clientwise", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (the default)")
    chat = sub.add_parser("chat", help="chat in the terminal")
    for p in (parser, run, chat):
        p.add_argument(
            "--lang", default="en", help="language of the terminal chat (en, ru, ru-RU, …)"
        )
    for p in (parser, run):
        p.add_argument(
            "--mode",
            choices=["auto", "polling", "webhook"],
            default="auto",
            help="auto: webhook if WEBHOOK_URL is set, polling if only a token is, else terminal",
        )
    sub.add_parser("validate", help="check the knowledge files and exit")
    triage = sub.add_parser("triage", help="provisional verdict from a one-line description")
    triage.add_argument("text", help='e.g. "law firm, retainer agreements, clients stay for years"')
    match = sub.add_parser("match", help="what a typed text is taken to be")
    match.add_argument("text")
    match.add_argument("--question", help="question id to read the text as an answer to")
    advise = sub.add_parser("advise", help="verdict and plan for a description and answers")
    advise.add_argument("--business", default="", help='what the business does, e.g. "bakery"')
    advise.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=OPTION",
        help="an answer by ids, e.g. contract=never (repeat for each question)",
    )
    for p in (triage, match, advise):
        p.add_argument(
            "--lang", default=None, help="language of the text (default: the one it is written in)"
        )
        p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    stats = sub.add_parser("stats", help="counts by model, language and week; top tactics")
    recent = sub.add_parser("recent", help="the latest results and cases")
    recent.add_argument("--limit", type=int, default=10, help="how many (default 10)")
    export = sub.add_parser("export", help="every result as CSV on stdout (UTF-8 with BOM)")
    case = sub.add_parser("case", help="one case's summary, by its label or result id")
    case.add_argument("ref", metavar="LABEL|ID")
    cases = sub.add_parser("cases", help="every staff case")
    for p in (stats, export, cases):
        p.add_argument("--since", default=None, help="only results from this date (YYYY-MM-DD)")
    for p in (stats, recent, case, cases):
        p.add_argument("--json", action="store_true", help="JSON on stdout")
        p.add_argument("--lang", default=None, help="language of the text output (default en)")
    return parser


DESK_COMMANDS = ("stats", "recent", "export", "case", "cases")


def run_advise(
    engine: Engine, business: str, pairs: list[str], lang: str | None, *, as_json: bool
) -> int:
    """``clientwise advise``: what ``dialogs.advise.advise`` returns, as JSON or the card."""
    from dialogs import render
    from dialogs.advise import UnknownAnswer, advise
    from dialogs.state import DialogState
    from knowledge.model import pick
    from knowledge.recommend import first_step

    answers: dict[str, str] = {}
    for pair in pairs:
        qid, sep, oid = pair.partition("=")
        if not sep or not qid.strip() or not oid.strip():
            print(f"clientwise: --answer {pair!r}: write QUESTION=OPTION", file=sys.stderr)
            return 2
        answers[qid.strip()] = oid.strip()
    try:
        advised = advise(engine, business, answers, lang)
    except UnknownAnswer as exc:
        print(f"clientwise: --answer: {exc}", file=sys.stderr)
        return 2
    kb, outcome, used = engine.kb, advised.outcome, advised.lang
    verdict, plan = outcome.verdict, outcome.plan
    if not as_json:
        state = DialogState(lang=used, phase="done", business_id=advised.business_id)
        print(render.result(kb, state, outcome).text)
        return 0
    payload = {
        "lang": used,
        "business": advised.business_id,
        "family": plan.family,
        "verdict": verdict.model,
        "score": verdict.score,
        "confidence": verdict.confidence_label,
        "answers": outcome.answers,
        "advice": plan.advice,
        "plan": [
            {
                "id": picked.id,
                "title": pick(kb.tactics_by_id[picked.id].title, used),
                "first_step": first_step(kb.tactics_by_id[picked.id], plan.family, used),
                "because": [{"question": q, "answer": o} for q, o in picked.because],
                "trade": picked.trade,
            }
            for picked in plan.tactics
        ],
    }
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        engine = _engine()
    except KnowledgeError as exc:
        print("clientwise: the knowledge files have problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.command == "validate":
        kb = engine.kb
        print(
            f"knowledge OK: {len(kb.questions)} questions, {len(kb.dimensions)} dimensions, "
            f"{len(kb.businesses)} businesses, {len(kb.tactics)} tactics, {len(kb.faq)} FAQ"
        )
        return 0
    # triage and match read the text in its own language unless --lang says otherwise.
    lang = supported_language(args.lang, engine.kb.languages) if args.lang is not None else None
    if args.lang is not None and lang is None:
        codes = ", ".join(sorted(engine.kb.languages))
        print(
            f"clientwise: unknown language {args.lang!r} for --lang; supported: {codes}",
            file=sys.stderr,
        )
        return 2
    if args.command in ("triage", "match"):
        from bot.interpret_cli import run_match, run_triage

        if args.command == "triage":
            return run_triage(engine, args.text, lang, as_json=args.json)
        return run_match(engine, args.text, lang, args.question, as_json=args.json)
    if args.command == "advise":
        return run_advise(engine, args.business, args.answer, lang, as_json=args.json)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"clientwise: invalid setting {exc}", file=sys.stderr)
        return 2
    if args.command in DESK_COMMANDS:
        return _desk(args, engine, settings.database, lang or "en")
    from bot.terminal import run_terminal

    mode = getattr(args, "mode", "auto")
    if args.command == "chat" or (mode == "auto" and settings.telegram_bot_token is None):
        return run_terminal(engine, lang or "en")
    if settings.telegram_bot_token is None:
        print(
            f"clientwise: invalid setting TELEGRAM_BOT_TOKEN: required in {mode} mode",
            file=sys.stderr,
        )
        return 2
    use_webhook = mode == "webhook" or (mode == "auto" and bool(settings.webhook_url))
    for variable, value in (
        ("WEBHOOK_URL", settings.webhook_url),
        ("WEBHOOK_SECRET", settings.webhook_secret),
    ):
        if use_webhook and not value:
            # Without the secret anyone who learns the URL could post forged updates.
            print(
                f"clientwise: invalid setting {variable}: required in webhook mode", file=sys.stderr
            )
            return 2
    from telegram.error import InvalidToken

    from bot.logs import redact
    from bot.run import run_telegram

    try:
        return run_telegram(settings, engine, webhook=use_webhook)
    except InvalidToken:
        print(
            "clientwise: invalid setting TELEGRAM_BOT_TOKEN: rejected by the Bot API server",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # one clear line, never a traceback with secrets in it
        print(f"clientwise: stopped: {redact(f'{type(exc).__name__}: {exc}')}", file=sys.stderr)
        return 1


def _desk(args: argparse.Namespace, engine: Engine, database: Path, lang: str) -> int:
    from bot import desk_cli
    from bot.desk import parse_since
    from bot.storage import Store, StoreError

    try:
        since = parse_since(getattr(args, "since", None))
    except ValueError:
        print("clientwise: --since takes a date as YYYY-MM-DD", file=sys.stderr)
        return 2
    if not database.exists():
        print(f"clientwise: CLIENTWISE_DB={database}: no such database yet", file=sys.stderr)
        return 2
    try:
        store = Store(database)
    except StoreError as exc:
        print(f"clientwise: {exc}", file=sys.stderr)
        return 2
    kb = engine.kb
    try:
        if args.command == "stats":
            return desk_cli.run_stats(kb, store, since, lang, args.json)
        if args.command == "recent":
            return desk_cli.run_recent(kb, store, args.limit, lang, args.json)
        if args.command == "export":
            return desk_cli.run_export(kb, store, since)
        if args.command == "case":
            return desk_cli.run_case(kb, store, args.ref, lang, args.json)
        return desk_cli.run_cases(kb, store, since, lang, args.json)
    finally:
        store.close()
