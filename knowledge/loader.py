"""Loads the YAML files in ``knowledge/data/`` into one validated ``Knowledge`` object,
with every language's index built (``knowledge.index``).

The files are read as plain data by ``knowledge.raw``; what a load builds is kept on
disk by ``knowledge.cache`` (keyed by the files and this package's code), so a start with
unchanged files and code unpickles it instead of validating and building again.
Validation happens in two passes: pydantic checks each file against its model in
``schema.py``; then ``_cross_check`` checks what no single file can (ids referenced
across files, duplicate ids, required message keys, matching placeholders). Every
problem becomes one line ``file: field.path: message`` inside a ``KnowledgeError``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from knowledge import cache as stored
from knowledge.index import build_indexes
from knowledge.messages import REQUIRED_MESSAGES
from knowledge.model import NOT_SURE, Knowledge
from knowledge.raw import DATA_DIR, I18N_DIR, language_files, read_raw_files
from knowledge.schema import (
    BusinessesFile,
    ClassifierFile,
    FaqFile,
    MessagesFile,
    ModelsFile,
    QuestionsFile,
    SignalsFile,
    TacticsFile,
)


class KnowledgeError(Exception):
    """One or more problems in the knowledge files, each naming file and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _field_path(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


# The root model of each base file (``raw.STEMS``, in the same order).
FILES: dict[str, type[BaseModel]] = {
    "models": ModelsFile,
    "questions": QuestionsFile,
    "businesses": BusinessesFile,
    "tactics": TacticsFile,
    "faq": FaqFile,
    "classifier": ClassifierFile,
    "messages": MessagesFile,
    "signals": SignalsFile,
}


def _validate(stem: str, raw: Any, problems: list[str], languages: set[str]) -> Any:
    try:
        return FILES[stem].model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            # A problem inside a translation is reported against its language file.
            lang = next((str(p) for p in err["loc"] if str(p) in languages - {"en"}), None)
            name = f"{I18N_DIR}/{lang}.yaml (into {stem}.yaml)" if lang else f"{stem}.yaml"
            problems.append(f"{name}: {_field_path(err['loc'])}: {err['msg']}")
        return None


def load_knowledge(data_dir: Path | None = None, *, cached: bool = True) -> Knowledge:
    """Read and validate every knowledge file and build every index; raise
    ``KnowledgeError`` listing the problems. ``cached``: take what an earlier load of
    the same files by the same code built (``knowledge.cache``), and keep what this one
    builds; only files without problems are kept, so problems are always reported."""
    folder = data_dir or DATA_DIR
    key = stored.cache_key(folder) if cached else None
    if key is not None and (kb := stored.load(key)) is not None:
        return kb
    kb = _build(folder)
    if key is not None:
        stored.store(key, kb)
    return kb


def _build(folder: Path) -> Knowledge:
    base, problems = read_raw_files(folder)
    if problems:
        raise KnowledgeError(problems)
    languages = {p.stem for p in language_files(folder)} | {"en"}
    parsed = {stem: _validate(stem, raw, problems, languages) for stem, raw in base.items()}
    if problems:
        raise KnowledgeError(problems)
    models, questions, businesses = parsed["models"], parsed["questions"], parsed["businesses"]
    tactics, faq, classifier = parsed["tactics"], parsed["faq"], parsed["classifier"]
    messages, signals = parsed["messages"], parsed["signals"]
    _cross_check(models, questions, businesses, tactics, faq, classifier, messages, problems)
    _check_signals(signals, questions, problems)
    if problems:
        raise KnowledgeError(problems)
    kb = Knowledge(
        languages=dict(models.languages),
        models={m.id: m for m in models.models},
        glossary=models.glossary,
        questions_file=questions,
        businesses=list(businesses.businesses),
        families=[f.id for f in businesses.families],
        tactics=list(tactics.tactics),
        advice=list(tactics.advice),
        faq=list(faq.faq),
        settings=classifier.classifier,
        messages=dict(messages.messages),
        signals_file=signals,
    )
    # Every language's index now, so no owner's first message pays for building one.
    kb.set_indexes(build_indexes(kb))
    return kb


@cache
def default_knowledge() -> Knowledge:
    """The shipped knowledge, loaded once per process."""
    return load_knowledge()


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dups: list[str] = []
    for i in ids:
        if i in seen:
            dups.append(i)
        seen.add(i)
    return dups


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _cross_check(
    models: ModelsFile,
    questions: QuestionsFile,
    businesses: BusinessesFile,
    tactics: TacticsFile,
    faq: FaqFile,
    classifier: ClassifierFile,
    messages: MessagesFile,
    problems: list[str],
) -> None:
    say = problems.append
    if {m.id for m in models.models} != {"client", "customer", "hybrid"}:
        say("models.yaml: models: must define client, customer and hybrid once each")

    dims = {d.id for d in questions.dimensions}
    for dup in _duplicates(d.id for d in questions.dimensions):
        say(f"questions.yaml: dimensions: duplicate id '{dup}'")
    for dup in _duplicates(q.id for q in questions.questions):
        say(f"questions.yaml: questions: duplicate id '{dup}'")
    options: dict[str, set[str]] = {}
    for qi, q in enumerate(questions.questions):
        where = f"questions.yaml: questions.{qi}"
        if q.dimension is not None and q.dimension not in dims:
            say(f"{where}.dimension: unknown dimension '{q.dimension}'")
        if q.kind == "choice" and len(q.options) < 2:
            say(f"{where}.options: a choice question needs at least 2 options")
        if q.kind == "text" and q.options:
            say(f"{where}.options: a text question takes no options")
        for dup in _duplicates(o.id for o in q.options):
            say(f"{where}.options: duplicate id '{dup}'")
        for oi, o in enumerate(q.options):
            if o.id == NOT_SURE:
                say(f"{where}.options.{oi}.id: '{NOT_SURE}' is added automatically")
        options[q.id] = {o.id for o in q.options} | {NOT_SURE}

    def check_answers(where: str, answers: dict[str, list[str]] | dict[str, str]) -> None:
        for qid, chosen in answers.items():
            if qid not in options:
                say(f"{where}.{qid}: unknown question '{qid}'")
                continue
            for oid in [chosen] if isinstance(chosen, str) else chosen:
                if oid not in options[qid]:
                    say(f"{where}.{qid}: unknown option '{oid}' of question '{qid}'")

    families = {f.id for f in businesses.families}
    for dup in _duplicates(f.id for f in businesses.families):
        say(f"businesses.yaml: families: duplicate id '{dup}'")
    for dup in _duplicates(b.id for b in businesses.businesses):
        say(f"businesses.yaml: businesses: duplicate id '{dup}'")
    for bi, b in enumerate(businesses.businesses):
        check_answers(f"businesses.yaml: businesses.{bi}.typical", b.typical)
        if b.family not in families:
            say(f"businesses.yaml: businesses.{bi}.family: unknown family '{b.family}'")

    def check_families(where: str, named: Iterable[str]) -> None:
        for family in named:
            if family not in families:
                say(f"{where}: unknown family '{family}' (businesses.yaml families)")

    tactic_ids = {t.id for t in tactics.tactics}
    for dup in _duplicates(t.id for t in tactics.tactics):
        say(f"tactics.yaml: tactics: duplicate id '{dup}'")
    for ti, t in enumerate(tactics.tactics):
        where = f"tactics.yaml: tactics.{ti}"
        for ri, rule in enumerate(t.relevant_when):
            check_answers(f"{where}.relevant_when.{ri}.when", rule.when)
        conditions = [("requires", t.requires)] if t.requires else []
        conditions += [(f"unless.{ui}", c) for ui, c in enumerate(t.unless)]
        for name, condition in conditions:
            check_answers(f"{where}.{name}.answers", condition.answers)
            check_families(f"{where}.{name}.families", condition.families)
        check_families(f"{where}.fits", t.fits)
        check_families(f"{where}.first_step_for", t.first_step_for)
    for ai, adv in enumerate(tactics.advice):
        check_answers(f"tactics.yaml: advice.{ai}.when", adv.when)
        for field in ("prefer", "avoid"):
            for tid in getattr(adv, field):
                if tid not in tactic_ids:
                    say(f"tactics.yaml: advice.{ai}.{field}: unknown tactic '{tid}'")

    for dup in _duplicates(f.id for f in faq.faq):
        say(f"faq.yaml: faq: duplicate id '{dup}'")
    outranks = {f.id: set(f.outranks) for f in faq.faq}
    for fi, entry in enumerate(faq.faq):
        for other in entry.outranks:
            if other not in outranks or other == entry.id:
                say(f"faq.yaml: faq.{fi}.outranks: unknown or own topic '{other}'")
            elif entry.id in outranks[other]:
                say(f"faq.yaml: faq.{fi}.outranks: '{other}' outranks '{entry.id}' too")

    settings = classifier.classifier
    if settings.min_tactics > settings.max_tactics:
        say("classifier.yaml: classifier.min_tactics: larger than max_tactics")
    if settings.confidence_medium > settings.confidence_high:
        say("classifier.yaml: classifier.confidence_medium: larger than confidence_high")

    for key in sorted(REQUIRED_MESSAGES - messages.messages.keys()):
        say(f"messages.yaml: messages.{key}: missing (the code uses it)")
    for key, text in messages.messages.items():
        expected = REQUIRED_MESSAGES.get(key)
        for lang, template in text.items():
            try:
                found = _placeholders(template)
            except ValueError as exc:
                say(f"messages.yaml: messages.{key}.{lang}: bad placeholder ({exc})")
                continue
            if expected is not None and found != expected:
                say(
                    f"messages.yaml: messages.{key}.{lang}: placeholders {sorted(found)}"
                    f" but the code fills {sorted(expected)}"
                )

    _check_languages(models, questions, businesses, tactics, faq, messages, problems)


def _check_signals(signals: SignalsFile, questions: QuestionsFile, problems: list[str]) -> None:
    options = {q.id: {o.id for o in q.options} for q in questions.questions}
    for dup in _duplicates(s.id for s in signals.signals):
        problems.append(f"signals.yaml: signals: duplicate id '{dup}'")
    for si, signal in enumerate(signals.signals):
        where = f"signals.yaml: signals.{si}"
        if signal.question not in options:
            problems.append(f"{where}.question: unknown question '{signal.question}'")
            continue
        for field in ("option", "negated"):
            value = getattr(signal, field)
            if value is not None and value not in options[signal.question]:
                problems.append(
                    f"{where}.{field}: unknown option '{value}' of question '{signal.question}'"
                )


def _check_languages(
    models: ModelsFile,
    questions: QuestionsFile,
    businesses: BusinessesFile,
    tactics: TacticsFile,
    faq: FaqFile,
    messages: MessagesFile,
    problems: list[str],
) -> None:
    """Every text may only use the languages declared in models.yaml."""
    declared = set(models.languages)
    files: list[tuple[str, BaseModel]] = [
        ("models.yaml", models),
        ("questions.yaml", questions),
        ("businesses.yaml", businesses),
        ("tactics.yaml", tactics),
        ("faq.yaml", faq),
        ("messages.yaml", messages),
    ]
    for name, model in files:
        for path, langs in _text_maps(model.model_dump(), ()):
            for lang in sorted(set(langs) - declared):
                problems.append(f"{name}: {_field_path(path)}.{lang}: language not declared")


def _text_maps(
    node: Any, path: tuple[str | int, ...]
) -> Iterable[tuple[tuple[str | int, ...], list[str]]]:
    """Yield (path, language keys) of every dict that looks like a Text map."""
    if isinstance(node, dict):
        if "en" in node and all(isinstance(k, str) and len(k) == 2 for k in node):
            yield path, list(node)
            return
        for key, value in node.items():
            yield from _text_maps(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _text_maps(value, (*path, i))
