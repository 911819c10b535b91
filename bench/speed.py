"""Speed of typed-text understanding, on one core, with the full knowledge loaded.

    python -m bench.speed [--rounds N]

Prints: import time; start-up time in a new process (load the knowledge and build
every language's index, with and without the knowledge cache, knowledge/cache.py); the first typed
answer, description and FAQ question in each language right after start-up, timed
apart from the warm ones; and p50/p95/p99/max latency per interpretation for typed
answers, one-line descriptions (/triage) and FAQ questions from tests/eval/.
Targets: p99 <= 5 ms, start-up <= 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from bench.eval import _items
from dialogs.engine import Engine
from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.loader import load_knowledge
from knowledge.model import Knowledge
from knowledge.triage import triage

P99_TARGET_MS = 5.0
LOAD_TARGET_MS = 300.0

_COLD = """
import json, time
t0 = time.perf_counter()
from bench.speed import first_calls, start_up
t1 = time.perf_counter()
kb = start_up()
t2 = time.perf_counter()
print(json.dumps({"imports": (t1 - t0) * 1000, "start": (t2 - t1) * 1000,
                  "first": first_calls(kb)}))
"""
# What a first message in each language is, for timing it right after start-up.
FIRST_ANSWER = ("contract", "we never sign anything, they just pay")
FIRST_DESCRIPTION = "bakery, walk-ins and a few catering contracts"
FIRST_QUESTION = "do online shops have clients?"


def _fresh_process(tmpdir: str | None) -> dict:
    """Import ms, start-up ms and the first calls per language in a new interpreter;
    ``tmpdir`` None keeps the parsed-knowledge cache, a fresh folder measures a first
    start without it."""
    env = {**os.environ, **({"TMPDIR": tmpdir} if tmpdir else {})}
    run = subprocess.run(
        [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(run.stdout)


def start_up() -> Knowledge:
    """Everything start-up does before the first message: load, validate, and build the
    index of every language (``load_knowledge`` does all three)."""
    return load_knowledge()


def first_calls(kb: Knowledge) -> dict[str, dict[str, float]]:
    """ms of the first typed answer, description and FAQ question in each language."""
    classifying = [q for q, question in kb.questions.items() if question.kind == "choice"]
    calls: dict[str, Callable[[str], object]] = {
        "typed answer": lambda lang: interpret_answer(kb, *FIRST_ANSWER, lang),
        "description": lambda lang: triage(kb, FIRST_DESCRIPTION, lang, classifying),
        "faq question": lambda lang: faq_for(kb, FIRST_QUESTION, lang),
    }
    out: dict[str, dict[str, float]] = {}
    for lang in kb.languages:
        out[lang] = {}
        for name, call in calls.items():
            start = time.perf_counter()
            call(lang)
            out[lang][name] = (time.perf_counter() - start) * 1000
    return out


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return (
        f"p50 {q[49]:.3f}  p95 {q[94]:.3f}  p99 {q[98]:.3f}  max {ordered[-1]:.3f} ms"
        f"  ({len(ordered)} calls)"
    )


def _time(calls: list[Callable[[], object]], rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        for call in calls:
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    first = [_fresh_process(tempfile.mkdtemp()) for _ in range(3)]
    usual = [_fresh_process(None) for _ in range(3)]
    load_ms = statistics.median(x["start"] for x in usual)
    kb = start_up()
    print(
        f"imports (pydantic, rapidfuzz, yaml, project): median "
        f"{statistics.median(x['imports'] for x in usual):.0f} ms"
    )
    print(
        f"start-up (knowledge load + every index, all {len(kb.languages)} languages), new "
        f"process: median {load_ms:.0f} ms (target <= {LOAD_TARGET_MS:.0f} ms); first start "
        f"without the knowledge cache: {statistics.median(x['start'] for x in first):.0f} ms"
    )
    for lang in kb.languages:
        kinds = usual[0]["first"][lang]
        line = "  ".join(
            f"{name} {statistics.median(x['first'][lang][name] for x in usual):.2f}"
            for name in kinds
        )
        print(f"[{lang}] first call after start-up (median of {len(usual)} processes, ms): {line}")

    classifying = Engine(kb, Engine.default().flow).classifying()
    worst = 0.0
    for lang in sorted(kb.languages):
        groups = {
            "typed answer": [
                (lambda i=i, lang=lang: interpret_answer(kb, i["question"], str(i["text"]), lang))
                for i in _items(lang, "typed_answers")
            ],
            "description/triage": [
                (lambda i=i, lang=lang: triage(kb, str(i["text"]), lang, classifying))
                for i in _items(lang, "descriptions")
            ],
            "faq question": [
                (lambda i=i, lang=lang: faq_for(kb, str(i["text"]), lang))
                for i in _items(lang, "faq")
            ],
        }
        # The longest message Telegram allows, ordinary words and one long token.
        long_texts = ["we sell coffee and cakes to walk-in customers " * 90, "a " * 2048]
        groups["4096-char message"] = [
            (lambda t=t, lang=lang: interpret_answer(kb, "contract", t[:4096], lang))
            for t in long_texts
        ]
        all_samples: list[float] = []
        for name, calls in groups.items():
            if not calls:
                continue
            samples = _time(calls, args.rounds)
            all_samples += samples
            print(f"[{lang}] {name:20} {_percentiles(samples)}")
        if all_samples:
            p99 = statistics.quantiles(sorted(all_samples), n=100, method="inclusive")[98]
            worst = max(worst, p99)
            print(f"[{lang}] {'all':20} {_percentiles(all_samples)}")
    ok = worst <= P99_TARGET_MS and load_ms <= LOAD_TARGET_MS
    print(
        f"p99 worst language: {worst:.3f} ms (target <= {P99_TARGET_MS} ms) -> "
        f"{'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
