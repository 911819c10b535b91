"""Accuracy of typed-text understanding on the evaluation set in tests/eval/.

    python -m bench.eval            # prints a table; exit 1 if a target is missed
    python -m bench.eval -v --dev th   # one language, development set only, with misses

Categories: typed answers (option chosen at a question, correctly not guessed, or the
question explained when the owner asks what it means),
business model from a one-line description (/triage), FAQ topic of a typed question.
Plan fit (tests/eval/plans.yaml, all languages together): an owner profile fits when its
plan holds none of the tactics it must not get and at least one it should; a
contradiction is a chosen tactic whose `requires`/`unless` the owner's answers or trade
break. Plan diversity: distinct plans over every business type's typical answers, and the
share of pairs from different trade families that get the identical plan.
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

from dialogs.advise import advise, plan_for_business
from dialogs.engine import Engine
from knowledge.faq import faq_for
from knowledge.interpret import interpret_answer
from knowledge.model import Knowledge
from knowledge.raw import read_yaml
from knowledge.recommend import allowed
from knowledge.triage import triage

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
# Written blind by people who never saw the matcher or the word lists. holdout/,
# holdout2/ and holdout3/ have since been inspected to find weak mechanisms, so they are
# no longer blind (each only after a first full measurement); holdout4/ (written when
# holdout3/ was about to be read) is never looked at, only measured. They tell how well the
# tuning on EVAL_DIR generalises: reported, not enforced.
HOLDOUT_DIR = EVAL_DIR / "holdout"
HOLDOUT2_DIR = EVAL_DIR / "holdout2"
HOLDOUT3_DIR = EVAL_DIR / "holdout3"
HOLDOUT4_DIR = EVAL_DIR / "holdout4"
TARGETS = {"typed answers": 0.97, "business model": 0.90, "faq topic": 0.92}
PLAN_FIT_TARGET = 0.95
# A typed-answer item's `expect` for a text asking what the question means ("what counts
# as a contract?"): the question is explained, not answered.
EXPLAIN = "explain"


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
        if meaning.kind == "explain" and expect == EXPLAIN:
            # The text asks what the question means: explained, then asked again. Where
            # an item expects null (no answer), an explanation is a re-ask like any other.
            got = EXPLAIN
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


@dataclass
class PlanFit:
    total: int = 0
    fits: int = 0
    contradictions: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.fits / self.total if self.total else 0.0


def plan_fit(engine: Engine, folder: Path = EVAL_DIR) -> PlanFit:
    """How many owner profiles of plans.yaml get a plan that fits them."""
    score = PlanFit()
    path = folder / "plans.yaml"
    for item in read_yaml(path)["profiles"] if path.exists() else []:
        outcome = advise(engine, str(item["business"]), item["answers"], item["lang"]).outcome
        chosen = [p.id for p in outcome.plan.tactics]
        wrong = [t for t in chosen if t in item["must_not"]]
        good = [t for t in chosen if t in item["should"]]
        broken = [
            t
            for t in chosen
            if not allowed(engine.kb.tactics_by_id[t], outcome.plan.family, outcome.answers)
        ]
        score.total += 1
        score.contradictions += len(broken)
        if not wrong and good and not broken:
            score.fits += 1
        else:
            score.misses.append(
                f"{item['id']} ({outcome.plan.family}): {chosen} — must not {wrong},"
                f" none of {item['should']}" * (not good) + f" contradicts {broken}" * bool(broken)
            )
    return score


@dataclass
class Diversity:
    businesses: int
    distinct: int
    # Pairs of business types from different trade families, and how many of them get
    # the very same set of tactics.
    cross_family_pairs: int
    cross_family_identical: int

    @property
    def identical_share(self) -> float:
        return self.cross_family_identical / self.cross_family_pairs


def plan_diversity(engine: Engine) -> Diversity:
    """Plans over every specific business type with its typical answers."""
    plans: list[tuple[str, frozenset[str]]] = []
    for business in engine.kb.businesses:
        if business.generic:
            continue
        outcome = plan_for_business(engine, business.id)
        plans.append((business.family, frozenset(p.id for p in outcome.plan.tactics)))
    pairs = identical = 0
    for i, (family_a, plan_a) in enumerate(plans):
        for family_b, plan_b in plans[i + 1 :]:
            if family_a != family_b:
                pairs += 1
                identical += plan_a == plan_b
    return Diversity(len(plans), len({p for _, p in plans}), pairs, identical)


# Misses of the blind set are never printed: reading them would end its blindness.
BLIND = "holdout4"


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
        ("holdout3", HOLDOUT3_DIR),
        (BLIND, HOLDOUT4_DIR),
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
    engine = Engine.default()
    fit = plan_fit(engine)
    ok = fit.accuracy >= PLAN_FIT_TARGET and fit.contradictions == 0
    failed |= not ok
    print(
        f"\nplan fit: {fit.fits}/{fit.total} profiles ({fit.accuracy:.1%}, target"
        f" {PLAN_FIT_TARGET:.0%}), {fit.contradictions} contradictions{'' if ok else '  MISSED'}"
    )
    for miss in fit.misses if args.verbose else ():
        print(f"      miss: {miss}")
    diversity = plan_diversity(engine)
    print(
        f"plan diversity: {diversity.distinct} distinct plans for {diversity.businesses}"
        f" business types; {diversity.cross_family_identical} of"
        f" {diversity.cross_family_pairs} pairs from different trade families share a plan"
        f" ({diversity.identical_share:.1%})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
