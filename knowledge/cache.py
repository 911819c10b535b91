"""The loaded knowledge — validated files and every language's index — kept on disk.

Validating the files and building the indexes of six languages takes most of a second of
CPU; unpickling the result takes a fraction of that and leaves no garbage behind. The
file is named by a digest of everything that decides its content (``cache_key``): the
knowledge files' bytes, the source of every module of this package (the loader, the
schema and every index builder — all of them, so a module added later is covered
without a list to keep up to date) and the versions of Python and of the libraries whose
objects are stored. A changed builder therefore never meets indexes built by the old
code, and nothing needs a version number bumped by hand.

Only this process's user may have written the file: pickle runs code when it loads, so
the folder is private (0700, owned by us) and is not trusted otherwise.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import platform
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic
import rapidfuzz
import yaml

from knowledge.raw import STEMS, language_files

if TYPE_CHECKING:  # the loader imports this module
    from knowledge.model import Knowledge

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).parent
# How many cached knowledge files to keep (each a few MB): one per code and data version
# met recently, so switching branches back and forth stays warm.
KEEP = 8


def builder_sources() -> list[Path]:
    """Every module of the knowledge package: they all take part in building it."""
    return sorted(PACKAGE.glob("*.py"))


def cache_key(folder: Path, sources: Iterable[Path] | None = None) -> str | None:
    """The digest naming the cached knowledge of ``folder``; None when a file is missing
    (the loader then reports it)."""
    versions = (
        f"python {platform.python_implementation()} {sys.version} pickle {pickle.HIGHEST_PROTOCOL}"
        f" pydantic {pydantic.VERSION} rapidfuzz {rapidfuzz.__version__} pyyaml {yaml.__version__}"
    )
    digest = hashlib.sha256(versions.encode())
    try:
        for path in builder_sources() if sources is None else sources:
            digest.update(b"\0code\0" + path.name.encode() + b"\0" + path.read_bytes())
        data = sorted([*(folder / f"{stem}.yaml" for stem in STEMS), *language_files(folder)])
        for path in data:
            digest.update(b"\0data\0" + path.name.encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"clientwise-knowledge-{os.getuid()}"


def _private(folder: Path) -> bool:
    """The folder exists, is ours and nobody else can write into it."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def load(key: str) -> Knowledge | None:
    """The knowledge stored under ``key``, or None (missing, unreadable, not ours)."""
    folder = cache_dir()
    path = folder / f"{key}.pickle"
    if not _private(folder) or not path.exists():
        return None
    was_enabled = gc.isenabled()
    # Unpickling creates a few hundred thousand objects and frees none: the collections
    # their allocation would trigger cannot find garbage and would double the time.
    gc.disable()
    try:
        kb = pickle.loads(path.read_bytes())
    except Exception:  # a truncated or foreign file: build again (and overwrite it)
        return None
    finally:
        if was_enabled:
            gc.enable()
    from knowledge.model import Knowledge

    if not isinstance(kb, Knowledge):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older ones are cleared (``store``)
    return kb


def store(key: str, kb: Knowledge) -> None:
    """Keep ``kb`` under ``key``; a failure only costs the next start its speed."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return  # a read-only temp folder only costs speed
    if not _private(folder):
        return
    path = folder / f"{key}.pickle"
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with partial.open("wb") as fh:  # streamed: no second copy of it all in memory
            pickle.dump(kb, fh, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: concurrent starts never read half a file
    except OSError:
        partial.unlink(missing_ok=True)
        return
    except (pickle.PicklingError, TypeError, AttributeError):
        partial.unlink(missing_ok=True)
        # Something unpicklable got into the knowledge: every start now pays the full
        # build, which must not go unnoticed.
        log.warning("the loaded knowledge cannot be cached", exc_info=True)
        return
    with contextlib.suppress(OSError):  # another start may be clearing them too
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in kept[KEEP:]:
            stale.unlink(missing_ok=True)
