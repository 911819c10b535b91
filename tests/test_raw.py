"""The knowledge files as plain data, and the cache of what was parsed
(knowledge/raw.py)."""

from __future__ import annotations

import ast
import inspect
import shutil
from pathlib import Path

import pytest

from knowledge import raw

KNOWLEDGE = Path(raw.__file__).parent


def test_the_cache_key_changes_when_the_builder_code_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A changed merge rule must not be served data merged by the old code.
    builder = tmp_path / "raw.py"
    shutil.copy(raw.__file__, builder)
    monkeypatch.setattr(raw, "BUILDER_SOURCES", (builder,))
    before = raw.cache_path(raw.DATA_DIR, translate=True)
    builder.write_text(builder.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = raw.cache_path(raw.DATA_DIR, translate=True)
    assert before is not None and after is not None and before != after
    assert raw.cache_path(raw.DATA_DIR, translate=True, code="a") != raw.cache_path(
        raw.DATA_DIR, translate=True, code="b"
    )


def test_the_code_that_parses_and_merges_is_versioned() -> None:
    for builder in (raw.read_yaml, raw.merge_language, raw.read_raw_files):
        assert Path(inspect.getsourcefile(builder) or "") in raw.BUILDER_SOURCES


def test_a_second_read_comes_from_the_cache_and_equals_the_first() -> None:
    first, problems = raw.read_raw_files(raw.DATA_DIR)
    assert not problems
    path = raw.cache_path(raw.DATA_DIR, translate=True)
    assert path is not None and path.exists()
    assert raw.read_raw_files(raw.DATA_DIR) == (first, [])


def _imports(path: Path) -> set[str]:
    """knowledge.* modules a module imports, anywhere but under ``if TYPE_CHECKING``."""
    found: set[str] = set()

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
                continue
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("knowledge"):
                if child.module == "knowledge":
                    found.update(f"knowledge.{a.name}" for a in child.names)
                else:
                    found.add(child.module or "")
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("knowledge."))
            walk(child)

    walk(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_knowledge_modules_import_each_other_without_a_cycle() -> None:
    graph = {f"knowledge.{p.stem}": _imports(p) for p in KNOWLEDGE.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
