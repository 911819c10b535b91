"""Translations: one file per language in ``knowledge/data/i18n/<code>.yaml``.

The base files hold the structure (ids, weights, rules) and the English text. A
language file holds only that language's words, organised by the same ids, so a
translator works in one file and cannot break a weight. ``merge_language`` folds it into
the raw base data before validation; unknown ids are reported like any other problem.

    python -m knowledge.i18n template   # the English words in language-file shape
    python -m knowledge.i18n missing    # what each language still lacks
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

Raw = dict[str, Any]
I18N_DIR = "i18n"

# (base file, list key, fields that are texts, fields that are text lists)
_ENTRIES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "models": ("models", "models", ("name", "headline", "definition"), ()),
    "dimensions": ("questions", "dimensions", ("name", "client_side", "customer_side"), ()),
    "businesses": ("businesses", "businesses", ("name",), ("synonyms",)),
    "tactics": ("tactics", "tactics", ("title", "why", "first_step"), ()),
    "advice": ("tactics", "advice", ("text",), ()),
    "faq": ("faq", "faq", ("answer",), ("questions",)),
    "signals": ("signals", "signals", ("label",), ("phrases",)),
}
_LISTS = {  # top-level text lists: (base file, key)
    "not_sure_synonyms": ("questions", "not_sure_synonyms"),
    "negations": ("signals", "negations"),
    "question_words": ("signals", "question_words"),
    "question_auxiliaries": ("signals", "question_auxiliaries"),
    "served_markers": ("signals", "served_markers"),
    "question_endings": ("signals", "question_endings"),
}
_SINGLE = {"not_sure": ("questions", "not_sure"), "skip": ("questions", "skip")}


def supported_language(code: str | None, supported: Iterable[str]) -> str | None:
    """The supported language a code names, or None.

    Case is ignored and a regional part dropped, so what Telegram sends ("ru-RU", "pt-br")
    and what people type ("RU", "ro_RO") all reach the same two-letter code.
    """
    base = re.split(r"[-_]", (code or "").strip().casefold(), maxsplit=1)[0]
    return base if base in set(supported) else None


def _put(target: Raw, field: str, lang: str, value: Any) -> None:
    target.setdefault(field, {})[lang] = value


def merge_language(base: dict[str, Raw], lang: str, words: Raw, problems: list[str]) -> None:
    """Fold one language file's words into the raw base data (in place)."""
    where = f"{I18N_DIR}/{lang}.yaml"
    for section, (file, key, texts, lists) in _ENTRIES.items():
        items = {item["id"]: item for item in base[file].get(key, [])}
        for item_id, fields in (words.get(section) or {}).items():
            item = items.get(item_id)
            if item is None:
                problems.append(f"{where}: {section}.{item_id}: unknown id")
                continue
            for field, value in (fields or {}).items():
                if field in texts or field in lists:
                    _put(item, field, lang, value)
                elif section == "faq" and field == "cues":
                    _put(item, "cues", lang, value)
                elif section == "tactics" and field == "first_step_for":
                    # family id -> that family's wording of the first step
                    wordings = item.get("first_step_for") or {}
                    for family, text in (value or {}).items():
                        if family not in wordings:
                            problems.append(
                                f"{where}: tactics.{item_id}.first_step_for.{family}:"
                                " no English wording for this family"
                            )
                            continue
                        wordings[family][lang] = text
                else:
                    problems.append(f"{where}: {section}.{item_id}.{field}: unknown field")
    for name, (file, key) in {**_LISTS, **_SINGLE}.items():
        if name in words:
            _put(base[file], key, lang, words[name])
    for side in ("client", "customer"):
        for field, value in ((words.get("glossary") or {}).get(side) or {}).items():
            _put(base["models"]["glossary"][side], field, lang, value)
    questions = {q["id"]: q for q in base["questions"]["questions"]}
    for qid, fields in (words.get("questions") or {}).items():
        question = questions.get(qid)
        if question is None:
            problems.append(f"{where}: questions.{qid}: unknown question")
            continue
        for field in ("text", "hint"):
            if field in (fields or {}):
                _put(question, field, lang, fields[field])
        options = {o["id"]: o for o in question.get("options", [])}
        for oid, option_fields in ((fields or {}).get("options") or {}).items():
            option = options.get(oid)
            if option is None:
                problems.append(f"{where}: questions.{qid}.options.{oid}: unknown option")
                continue
            for field in ("label", "why", "synonyms"):
                if field in (option_fields or {}):
                    _put(option, field, lang, option_fields[field])
    messages = base["messages"]["messages"]
    for key, value in (words.get("messages") or {}).items():
        if key not in messages:
            problems.append(f"{where}: messages.{key}: unknown message")
            continue
        messages[key][lang] = value
    if "name" in words:
        base["models"].setdefault("languages", {})[lang] = words["name"]


def template(base: dict[str, Raw], lang: str = "en") -> Raw:
    """The words of ``lang`` in language-file shape (what a translator fills in)."""
    out: Raw = {"name": base["models"]["languages"].get(lang, lang)}
    for name, (file, key) in {**_LISTS, **_SINGLE}.items():
        out[name] = base[file][key].get(lang)
    out["glossary"] = {
        side: {f: v.get(lang) for f, v in base["models"]["glossary"][side].items()}
        for side in ("client", "customer")
    }
    out["questions"] = {}
    for q in base["questions"]["questions"]:
        entry: Raw = {f: q[f].get(lang) for f in ("text", "hint") if q.get(f)}
        if q.get("options"):
            entry["options"] = {
                o["id"]: {f: o[f].get(lang) for f in ("label", "why", "synonyms") if o.get(f)}
                for o in q["options"]
            }
        out["questions"][q["id"]] = entry
    for section, (file, key, texts, lists) in _ENTRIES.items():
        out[section] = {
            item["id"]: {f: item[f].get(lang) for f in (*texts, *lists, "cues") if item.get(f)}
            for item in base[file].get(key, [])
        }
    for item in base["tactics"].get("tactics", []):
        if item.get("first_step_for"):
            out["tactics"][item["id"]]["first_step_for"] = {
                family: text.get(lang) for family, text in item["first_step_for"].items()
            }
    out["messages"] = {k: v.get(lang) for k, v in base["messages"]["messages"].items()}
    return out


def missing(base: dict[str, Raw], lang: str) -> Iterator[str]:
    """Paths of every English text that ``lang`` has no version of."""

    def walk(node: Any, path: str) -> Iterator[str]:
        if isinstance(node, dict):
            if "en" in node and all(isinstance(k, str) and len(k) == 2 for k in node):
                if lang not in node and node["en"]:  # nothing to translate in an empty list
                    yield path
                return
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                label = value.get("id", i) if isinstance(value, dict) else i
                yield from walk(value, f"{path}.{label}")

    for file, raw in base.items():
        yield from walk(raw, file)


def main(argv: list[str]) -> int:
    from knowledge.loader import DATA_DIR, read_raw_files

    base, problems = read_raw_files(DATA_DIR, translate=False)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if argv[:1] == ["template"]:
        yaml.safe_dump(template(base), sys.stdout, allow_unicode=True, sort_keys=False, width=100)
        return 0
    if argv[:1] == ["missing"]:
        full, problems = read_raw_files(DATA_DIR)
        for lang in sorted(full["models"]["languages"]):
            gaps = list(missing(full, lang))
            print(f"{lang}: {len(gaps)} missing" + "".join(f"\n  {g}" for g in gaps[:20]))
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


def language_files(data_dir: Path) -> list[Path]:
    """``i18n/xx.yaml`` for two-letter language codes; anything else there is ignored."""
    folder = data_dir / I18N_DIR
    return sorted(p for p in folder.glob("*.yaml") if re.fullmatch(r"[a-z]{2}", p.stem))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
