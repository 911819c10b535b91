"""Time to import Pillow and to draw the result picture, in every language.

    python -m bench.picture [--rounds N] [--save DIR]

Prints the import time of Pillow's modules in a fresh process, then per language the
median and worst time to draw and encode the JPEG that Telegram gets for a result with
every dimension answered (the first call, before the text cache is warm, included in
the worst), against the 150 ms budget. ``--save`` writes one PNG per language and the
staff stats chart there (docs/ keeps an example).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGET_MS = 150.0
IMPORT = (
    "import time; t = time.perf_counter(); "
    "from PIL import Image, ImageDraw, ImageFont; "
    "print((time.perf_counter() - t) * 1000)"
)


def import_ms() -> float:
    runs = [float(subprocess.check_output([sys.executable, "-c", IMPORT])) for _ in range(3)]
    return min(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.picture")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args(argv)

    from bot.picture import png, result_image, result_jpeg, stats_chart
    from dialogs.engine import Engine
    from knowledge.classifier import classify

    print(f"Pillow import: {import_ms():.1f} ms (fresh process, best of 3)")
    kb = Engine.default().kb
    # Every classifying question answered, alternating sides, so every row is drawn.
    answers = {}
    for n, question in enumerate(q for q in kb.questions.values() if q.kind != "text"):
        answers[question.id] = question.options[0 if n % 2 else -1].id
    verdict = classify(kb, answers)
    worst_all = 0.0
    for lang in kb.languages:
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            sent = result_jpeg(kb, lang, verdict, answers)
            times.append((time.perf_counter() - started) * 1000)
        worst_all = max(worst_all, statistics.median(times))
        print(
            f"{lang}: median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms, "
            f"{len(sent) / 1024:.0f} KiB"
        )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            image = result_image(kb, lang, verdict, answers)
            (args.save / f"result-{lang}.png").write_bytes(png(image))
    if args.save:
        chart = stats_chart(kb, "en", {"client": 41, "customer": 57, "hybrid": 23})
        (args.save / "stats-en.png").write_bytes(png(chart))
    verdict_line = "within" if worst_all <= BUDGET_MS else "OVER"
    print(f"slowest median {worst_all:.1f} ms: {verdict_line} the {BUDGET_MS:.0f} ms budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
