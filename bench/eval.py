"""Accuracy of typed-text understanding on the evaluation set in tests/eval/.

    python -m bench.eval            # prints a table; exit 1 if a target is missed
    python -m bench.eval -v --dev th   # one language, development set only, with misses

Categories: typed answers (option chosen at a question, or correctly not guessed),
business model from a one-line description (/triage), FAQ topic of a typed question.
"Confident wrong" counts answers the bot took as a *different* option instead of asking
("taken"); "wrong guess" those it pre-selected as a different option for one-tap
confirmation — an owner in a hurry taps it, so it is a confident reading too. Both are
reported per language and set; for the blind set only the counts, never the items.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dialogs.engine import Engine
from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.model import Knowledge
from knowledge.raw import read_yaml
from knowledge.triage import triage

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
# Written blind by people who never saw the matcher or the word lists. holdout/ and
# holdout2/ have since been inspected to find weak mechanisms, so they are no longer blind
# (holdout2/ only after its first full measurement); holdout3/ is never looked at, only
# measured. They tell how well the tuning on EVAL_DIR generalises: reported, not enforced.
HOLDOUT_DIR = EVAL_DIR / "holdout"
HOLDOUT2_DIR = EVAL_DIR / "holdout2"
HOLDOUT3_DIR = EVAL_DIR / "holdout3"
TARGETS = {"typed answers": 0.97, "business model": 0.90, "faq topic": 0.92}


@dataclass
class Score:
    name: str
    total: int = 0
    correct: int = 0
    confident_wrong: int = 0  # a different option (or any, where none fits) taken
    wrong_guesses: int = 0  # a different option pre-selected for confirmation
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, ok: bool, taken_wrong: bool, detail: str, guessed_wrong: bool = False) -> None:
        self.total += 1
        self.correct += ok
        self.confident_wrong += taken_wrong
        self.wrong_guesses += guessed_wrong
        if not ok:
            self.misses.append(detail)


def _items(lang: str, name: str, folder: Path = EVAL_DIR) -> Iterable[dict]:
    suffix = "" if lang == "en" else f".{lang}"
    path = folder / f"{name}{suffix}.yaml"
    return read_yaml(path) if path.exists() else []


def evaluate(kb: Knowledge, lang: str = "en", folder: Path = EVAL_DIR) -> list[Score]:
    classifying = Engine.default().classifying()
    typed = Score("typed answers")
    for item in _items(lang, "typed_answers", folder):
        meaning = interpret_answer(kb, item["question"], str(item["text"]), lang)
        # A guess is shown pre-selected for one-tap confirmation: right if it is the
        # right option; a wrong one is counted apart from a wrong option taken outright.
        got = meaning.option if meaning.kind in ("option", "guess") else None
        expect = item["expect"]
        typed.add(
            got == expect,
            meaning.kind == "option" and got != expect,
            f"{item['question']}: {item['text']!r} -> {got} (want {expect}, {meaning.kind})",
            guessed_wrong=meaning.kind == "guess" and got != expect,
        )
    model = Score("business model")
    for item in _items(lang, "descriptions", folder):
        result = triage(kb, str(item["text"]), lang, classifying)
        # A description with nothing to read gets no verdict (a request for one instead).
        got = result.verdict.model if result.informative else None
        model.add(
            got == item["expect"],
            got != item["expect"],
            f"{item['text']!r} -> {got} (want {item['expect']})",
        )
    faq = Score("faq topic")
    for item in _items(lang, "faq", folder):
        got = faq_for(kb, str(item["text"]), lang)
        expect = item["expect"]
        faq.add(
            got == expect,
            got is not None and got != expect,
            f"{item['text']!r} -> {got} (want {expect})",
        )
    return [typed, model, faq]


# Misses of the blind set are never printed: reading them would end its blindness.
BLIND = "holdout3"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.eval", description=__doc__.split("\n")[0]
    )
    parser.add_argument("langs", nargs="*", help="language codes (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    parser.add_argument(
        "--dev", action="store_true", help="the development set only (keeps hold-outs unseen)"
    )
    args = parser.parse_args(argv)
    kb = Engine.default().kb
    unknown = sorted(set(args.langs) - set(kb.languages))
    if unknown:
        parser.error(f"unknown language(s): {', '.join(unknown)}")
    langs = args.langs or sorted(kb.languages)
    failed = False
    header = f"{'set':8} {'lang':5} {'category':16} {'items':>5} {'accuracy':>9} {'target':>7}"
    print(header + f" {'conf.wrong':>10} {'wrong.guess':>11}")
    sets = (
        ("dev", EVAL_DIR),
        ("holdout", HOLDOUT_DIR),
        ("holdout2", HOLDOUT2_DIR),
        (BLIND, HOLDOUT3_DIR),
    )
    if args.dev:  # for whoever tunes word lists: keep the hold-outs unseen
        sets = sets[:1]
    for lang, (set_name, folder) in ((lang, pair) for lang in langs for pair in sets):
        for score in evaluate(kb, lang, folder):
            if not score.total:
                continue
            target = TARGETS[score.name]
            ok = score.accuracy >= target
            failed |= not ok and set_name == "dev"
            print(
                f"{set_name:8} {lang:5} {score.name:16} {score.total:5} {score.accuracy:9.1%} "
                f"{target:7.0%} {score.confident_wrong:10} {score.wrong_guesses:11}"
                f"{'' if ok else '  MISSED'}"
            )
            for miss in score.misses if args.verbose and set_name != BLIND else ():
                print(f"      miss: {miss}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
