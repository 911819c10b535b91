"""Translations: one file per language in ``knowledge/data/i18n/<code>.yaml``.

How a language file is folded into the base files is ``knowledge.raw``'s job; here are
the tools around it: which language a code names, the template a new language starts
from, and what each language still lacks.

    python -m knowledge.i18n template   # the English words in language-file shape
    python -m knowledge.i18n missing    # what each language still lacks
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from knowledge.raw import DATA_DIR, ENTRIES, SINGLE_TEXTS, TEXT_LISTS, Raw, read_raw_files


def supported_language(code: str | None, supported: Iterable[str]) -> str | None:
    """The supported language a code names, or None.

    Case is ignored and a regional part dropped, so what Telegram sends ("ru-RU", "pt-br")
    and what people type ("RU", "ro_RO") all reach the same two-letter code.
    """
    base = re.split(r"[-_]", (code or "").strip().casefold(), maxsplit=1)[0]
    return base if base in set(supported) else None


def template(base: dict[str, Raw], lang: str = "en") -> Raw:
    """The words of ``lang`` in language-file shape (what a translator fills in)."""
    out: Raw = {"name": base["models"]["languages"].get(lang, lang)}
    for name, (file, key) in {**TEXT_LISTS, **SINGLE_TEXTS}.items():
        out[name] = base[file][key].get(lang)
    out["glossary"] = {
        side: {f: v.get(lang) for f, v in base["models"]["glossary"][side].items()}
        for side in ("client", "customer")
    }
    out["questions"] = {}
    for q in base["questions"]["questions"]:
        entry: Raw = {f: q[f].get(lang) for f in ("text", "hint", "explain") if q.get(f)}
        if q.get("options"):
            entry["options"] = {
                o["id"]: {
                    f: o[f].get(lang) for f in ("label", "example", "why", "synonyms") if o.get(f)
                }
                for o in q["options"]
            }
        out["questions"][q["id"]] = entry
    for section, (file, key, texts, lists) in ENTRIES.items():
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


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
