"""The knowledge files as plain data: YAML read strictly, every language folded in.

The base files in ``knowledge/data/`` hold the structure (ids, weights, rules) and the
English text. A language file (``i18n/<code>.yaml``) holds only that language's words,
organised by the same ids, so a translator works in one file and cannot break a weight.
``merge_language`` folds it into the raw base data before validation (``loader``);
unknown ids are reported like any other problem.

``read_raw_files`` keeps what it parsed as JSON in the temp folder, keyed by the files'
contents and the version of this code (``code_version``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
I18N_DIR = "i18n"
# The base files, in the order they are read.
STEMS = ("models", "questions", "businesses", "tactics", "faq", "classifier", "messages", "signals")

# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:
    # The pure-Python twin: the same constructor and resolver API, a different class.
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _StringBoolLoader(_BaseLoader):
    """YAML 1.1 reads yes/no/on/off as booleans; in this content they are words."""


def _unique_keys(loader: _BaseLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A key written twice is a mistake (the second silently wins in plain YAML)."""
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StringBoolLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_keys)
_StringBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StringBoolLoader)


def read_checked(path: Path, problems: list[str]) -> tuple[bool, Any]:
    """Read a YAML file, turning every way it can fail into one ``file: where: what``."""
    name = path.name
    if not path.exists():
        problems.append(f"{name}: file is missing")
        return False, None
    try:
        return True, read_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(parse)"
        problems.append(f"{name}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})")
    except UnicodeDecodeError:
        problems.append(f"{name}: (encoding): not UTF-8 text")
    except OSError as exc:
        problems.append(f"{name}: (file): cannot be read ({exc.strerror})")
    return False, None


Raw = dict[str, Any]

# (base file, list key, fields that are texts, fields that are text lists)
ENTRIES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "models": ("models", "models", ("name", "headline", "definition"), ()),
    "dimensions": ("questions", "dimensions", ("name", "client_side", "customer_side"), ()),
    "businesses": ("businesses", "businesses", ("name",), ("synonyms",)),
    "tactics": ("tactics", "tactics", ("title", "why", "first_step"), ()),
    "advice": ("tactics", "advice", ("text",), ()),
    "faq": ("faq", "faq", ("answer",), ("questions",)),
    "signals": ("signals", "signals", ("label",), ("phrases",)),
}
TEXT_LISTS = {  # top-level text lists: (base file, key)
    "not_sure_synonyms": ("questions", "not_sure_synonyms"),
    "negations": ("signals", "negations"),
    "question_words": ("signals", "question_words"),
    "question_auxiliaries": ("signals", "question_auxiliaries"),
    "served_markers": ("signals", "served_markers"),
    "question_endings": ("signals", "question_endings"),
}
SINGLE_TEXTS = {"not_sure": ("questions", "not_sure"), "skip": ("questions", "skip")}


def _put(target: Raw, field: str, lang: str, value: Any) -> None:
    target.setdefault(field, {})[lang] = value


def merge_language(base: dict[str, Raw], lang: str, words: Raw, problems: list[str]) -> None:
    """Fold one language file's words into the raw base data (in place)."""
    where = f"{I18N_DIR}/{lang}.yaml"
    for section, (file, key, texts, lists) in ENTRIES.items():
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
    for name, (file, key) in {**TEXT_LISTS, **SINGLE_TEXTS}.items():
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
        for field in ("text", "hint", "explain"):
            if field in (fields or {}):
                _put(question, field, lang, fields[field])
        options = {o["id"]: o for o in question.get("options", [])}
        for oid, option_fields in ((fields or {}).get("options") or {}).items():
            option = options.get(oid)
            if option is None:
                problems.append(f"{where}: questions.{qid}.options.{oid}: unknown option")
                continue
            for field in ("label", "example", "why", "synonyms"):
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


def language_files(data_dir: Path) -> list[Path]:
    """``i18n/xx.yaml`` for two-letter language codes; anything else there is ignored."""
    folder = data_dir / I18N_DIR
    return sorted(p for p in folder.glob("*.yaml") if re.fullmatch(r"[a-z]{2}", p.stem))


# The code that turns the files into the cached data: this module (YAML reading, the
# merge of the language files) and the YAML library. The key hashes their source, so a
# changed merge rule never meets data merged by the old code; no version number to
# remember to bump.
BUILDER_SOURCES: tuple[Path, ...] = (Path(__file__),)


def code_version(sources: Iterable[Path] | None = None) -> str:
    """A digest of the code that builds the cached data (see ``BUILDER_SOURCES``)."""
    digest = hashlib.sha256(f"pyyaml {yaml.__version__} {_BaseLoader.__name__}".encode())
    for path in BUILDER_SOURCES if sources is None else sources:
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_path(folder: Path, translate: bool, code: str | None = None) -> Path | None:
    """Where the parsed data of exactly these file contents, read by exactly this code
    (``code_version``), is kept (YAML parsing is most of the start-up time; JSON of the
    same data loads ten times faster)."""
    digest = hashlib.sha256(b"translate" if translate else b"base")
    digest.update((code or code_version()).encode())
    try:
        for path in sorted([*(folder / f"{stem}.yaml" for stem in STEMS), *language_files(folder)]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    except OSError:
        return None  # a missing file: parse normally and report it
    return Path(tempfile.gettempdir()) / "clientwise-knowledge" / f"{digest.hexdigest()}.json"


def read_raw_files(folder: Path, translate: bool = True) -> tuple[dict[str, Any], list[str]]:
    """The base files as plain data, with every language file folded in."""
    cache = cache_path(folder, translate)
    if cache is not None and cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8")), []
        except (OSError, ValueError):
            pass  # unreadable cache: parse again
    base, problems = _parse_raw_files(folder, translate)
    if cache is not None and not problems:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
            partial.replace(cache)  # atomic: concurrent starts never read half a file
        except OSError:
            pass  # a read-only temp dir only costs speed
    return base, problems


def _parse_raw_files(folder: Path, translate: bool) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    base: dict[str, Any] = {}
    for stem in STEMS:
        ok, raw = read_checked(folder / f"{stem}.yaml", problems)
        if ok:
            base[stem] = raw if isinstance(raw, dict) else {}
    if problems or not translate:
        return base, problems
    for path in language_files(folder):
        ok, words = read_checked(path, problems)
        if ok and isinstance(words, dict):
            merge_language(base, path.stem, words, problems)
        elif ok:
            problems.append(f"{I18N_DIR}/{path.name}: (top level): must be a mapping")
    return base, problems
