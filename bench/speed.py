"""Speed of typed-text understanding, on one core, with the full knowledge loaded.

    python -m bench.speed [--rounds N]

Prints: import time, knowledge load + index build time in a new process (with and
without the parsed-YAML cache), and
p50/p95/p99/max latency per interpretation for typed answers, one-line descriptions
(/triage) and FAQ questions from tests/eval/. Targets: p99 <= 5 ms, load <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from bench.eval import _items
from dialogs.engine import Engine
from knowledge import interpret, matching
from knowledge.interpret import faq_for, interpret_answer, triage
from knowledge.loader import load_knowledge
from knowledge.model import Knowledge

P99_TARGET_MS = 5.0
LOAD_TARGET_MS = 300.0

_COLD = """
import time
t0 = time.perf_counter()
from bench.speed import load_and_index
t1 = time.perf_counter()
load_and_index()
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def _fresh_process(tmpdir: str | None) -> tuple[float, float]:
    """(import ms, load + index ms) in a new interpreter; ``tmpdir`` None keeps the
    parsed-knowledge cache, a fresh folder measures a first start without it."""
    env = {**os.environ, **({"TMPDIR": tmpdir} if tmpdir else {})}
    run = subprocess.run(
        [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True, env=env
    )
    imports, load = run.stdout.split()
    return float(imports), float(load)


def load_and_index() -> Knowledge:
    """Everything start-up does before the first message: load, validate, build indexes."""
    for cached in (
        matching._index,
        interpret._business_index,
        interpret._signal_index,
        interpret._faq_choices,
        interpret._question_words,
    ):
        cached.cache_clear()
    kb = load_knowledge()
    for lang in kb.languages:
        for qid, question in kb.questions.items():
            if question.kind == "choice":
                matching._index(kb, qid, lang)
        interpret._business_index(kb, lang)
        interpret._signal_index(kb, lang)
        interpret._faq_choices(kb, lang)
        interpret._question_words(kb, lang)
    return kb


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
    load_ms = statistics.median(x[1] for x in usual)
    kb = load_and_index()
    print(
        f"imports (pydantic, rapidfuzz, yaml, project): median "
        f"{statistics.median(x[0] for x in usual):.0f} ms"
    )
    print(
        f"knowledge load + index build, all {len(kb.languages)} languages, new process: "
        f"median {load_ms:.0f} ms (target <= {LOAD_TARGET_MS:.0f} ms); first start "
        f"without the parsed-YAML cache: {statistics.median(x[1] for x in first):.0f} ms"
    )

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
