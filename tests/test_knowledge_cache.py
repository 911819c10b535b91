"""The loaded knowledge kept on disk between starts (knowledge/cache.py): a start with
unchanged files and code takes it from there; changed code or data never meets it."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from knowledge import cache, loader
from knowledge.interpret import interpret_answer
from knowledge.language import detect_language
from knowledge.model import Knowledge
from knowledge.raw import DATA_DIR


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """A private cache folder for the test; the list of folders each real build read."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(cache, "cache_dir", lambda: folder)
    built: list[Path] = []
    real = loader._build

    def counting(data: Path) -> Knowledge:
        built.append(data)
        return real(data)

    monkeypatch.setattr(loader, "_build", counting)
    return built


def test_a_second_load_comes_from_the_cache_with_every_language_ready(
    builds: list[Path],
) -> None:
    first = loader.load_knowledge()
    second = loader.load_knowledge()
    assert builds == [DATA_DIR]  # the second one built nothing
    assert second is not first
    assert set(second.indexes.languages) == set(second.languages) == set(first.languages)
    for lang in first.languages:
        assert second.index(lang).lang == lang
        said = "we never sign anything"
        assert interpret_answer(second, "contract", said, lang) == interpret_answer(
            first, "contract", said, lang
        )
    assert detect_language(second, "avocat, contracte lunare") == "ro"


def test_changed_builder_code_is_not_served_what_the_old_code_built(
    builds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copies of the package's modules stand for its code, so one can be changed.
    code = tmp_path / "code"
    code.mkdir()
    for source in cache.builder_sources():
        shutil.copy(source, code / source.name)
    monkeypatch.setattr(cache, "builder_sources", lambda: sorted(code.glob("*.py")))
    loader.load_knowledge()
    loader.load_knowledge()
    assert len(builds) == 1
    index = code / "index.py"
    index.write_text(index.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    loader.load_knowledge()
    assert len(builds) == 2


def test_changed_data_is_not_served_what_the_old_data_built(
    builds: list[Path], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = loader.load_knowledge(data)
    faq = data / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = loader.load_knowledge(data)
    assert builds == [data, data]
    assert set(after.indexes.languages) == set(before.indexes.languages)


def test_every_module_the_loader_runs_is_part_of_the_key() -> None:
    # Whatever knowledge module the loading imports takes part in what is cached.
    keyed = set(cache.builder_sources())
    for name, module in list(sys.modules.items()):
        if name.startswith("knowledge.") and getattr(module, "__file__", None):
            assert Path(module.__file__) in keyed, name
    assert Path(loader.__file__) in keyed and len(keyed) > 10


def test_a_file_in_a_folder_others_can_write_to_is_not_loaded(
    builds: list[Path], tmp_path: Path
) -> None:
    # Unpickling runs code: a planted file must never be read.
    loader.load_knowledge()
    (tmp_path / "cache").chmod(0o777)
    loader.load_knowledge()
    assert len(builds) == 2
    os.chmod(tmp_path / "cache", 0o700)


def test_a_broken_cache_file_is_rebuilt_and_replaced(builds: list[Path], tmp_path: Path) -> None:
    loader.load_knowledge()
    [kept] = (tmp_path / "cache").glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    kb = loader.load_knowledge()
    assert len(builds) == 2 and set(kb.indexes.languages) == set(kb.languages)
    assert loader.load_knowledge() is not kb and len(builds) == 2


def test_knowledge_with_problems_is_not_cached(builds: list[Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "faq.yaml").write_text("faq: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(loader.KnowledgeError):
            loader.load_knowledge(data)
    assert not list((tmp_path / "cache").glob("*.pickle"))


def test_a_word_is_one_object_however_often_the_indexes_hold_it() -> None:
    # Six languages' indexes hold the same words many times: one object each keeps the
    # knowledge (in memory and in the cache) small.
    from knowledge.phrases import words

    first, second = words("Law firm"), words("the LAW of the land")
    assert first[0] == second[1] and first[0] is second[1]


def test_a_start_from_the_cache_builds_no_validator_of_the_knowledge_files() -> None:
    # The knowledge files' validators are only needed to validate the files; a start
    # that takes them from the cache must not build them (part of its start-up time).
    import subprocess

    from tests.processes import ROOT, clean_env

    loader.load_knowledge()  # the cache is there (the real one, as the bot uses it)
    script = (
        "from knowledge.loader import load_knowledge; from knowledge import schema;"
        "kb = load_knowledge(); assert len(kb.indexes.languages) == 6;"
        "print(schema.QuestionsFile.__pydantic_complete__, schema.Tactic.__pydantic_complete__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean_env(), capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "False"]
