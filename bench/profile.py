"""Where the bot's CPU goes, from a pyinstrument session of the bot process.

    .venv/bin/python -m bench.e2e --only clientwise --repeats 1 --profile /tmp/bot.pyisession
    .venv/bin/python -m bench.profile /tmp/bot.pyisession

pyinstrument (installed into the venv only: ``.venv/bin/pip install pyinstrument``)
samples wall-clock stacks; the time the event loop spends waiting in ``select`` is idle
and is taken out, so the percentages below are shares of the bot's busy time. Two views:
inclusive time of the steps of handling an update (each counted once even when nested
in itself), and self time by package (where the instructions actually run).
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Iterator

from pyinstrument.frame import Frame
from pyinstrument.session import Session

# (label, function name, a piece of the file path). Inclusive time of each.
STEPS: list[tuple[str, str, str]] = [
    ("handling one update (ordering._run)", "_run", "bot/ordering.py"),
    ("  _gate: duplicate check, pruning", "_gate", "bot/telegram_bot.py"),
    ("  Store.update_status", "update_status", "bot/storage.py"),
    ("  _on_button", "_on_button", "bot/telegram_bot.py"),
    ("  _on_text", "_on_text", "bot/telegram_bot.py"),
    ("  _on_command", "_on_command", "bot/telegram_bot.py"),
    ("  _step", "_step", "bot/telegram_bot.py"),
    ("  Store.load (state read + validate)", "load", "bot/storage.py"),
    ("  Store._stored (state read + validate)", "_stored", "bot/telegram_bot.py"),
    ("  DialogState.model_validate_json", "model_validate_json", "pydantic/main.py"),
    ("  Engine.step", "step", "dialogs/engine.py"),
    ("  Engine.outcome", "outcome", "dialogs/engine.py"),
    ("  Engine.current", "current", "dialogs/engine.py"),
    ("  render.* (dialogs/render.py)", "*", "dialogs/render.py"),
    ("  interpretation (knowledge/interpret.py)", "*", "knowledge/interpret.py"),
    ("  Store.save_step (one transaction)", "save_step", "bot/storage.py"),
    ("  model_dump_json", "model_dump_json", "pydantic/main.py"),
    ("  Store.mark_delivered", "mark_delivered", "bot/storage.py"),
    ("  Store.mark_replied", "mark_replied", "bot/storage.py"),
    ("  Store.record_update", "record_update", "bot/storage.py"),
    ("  Store._touch_user", "_touch_user", "bot/storage.py"),
    ("  Store._write (file check, BEGIN/COMMIT)", "_write", "bot/storage.py"),
    ("  _deliver (sending replies)", "_deliver", "bot/telegram_bot.py"),
    ("  _answer (answerCallbackQuery)", "_answer", "bot/telegram_bot.py"),
    ("  _keyboard", "_keyboard", "bot/telegram_bot.py"),
    ("  sqlite_utils (all calls)", "*", "sqlite_utils/"),
    ("  sqlite3 execute/commit (C)", "execute", "sqlite_utils/db.py"),
    ("  logging (format + write)", "*", "logging/__init__.py"),
    ("  Bot._post (request → response objects)", "_post", "telegram/_bot.py"),
    ("  telegram de_json (building objects)", "de_json", "telegram/"),
    ("  httpx/httpcore (HTTP, PTB's default connection)", "*", "httpcore/"),
    ("  aiohttp (HTTP, bot/aiohttp_request.py)", "*", "aiohttp/"),
    ("  FifoRateLimiter.process_request", "process_request", "bot/limiter.py"),
    ("getUpdates loop (Updater)", "_network_loop_retry", "telegram/ext/_utils/networkloop.py"),
    ("  Update.de_json of fetched updates", "de_list", "telegram/"),
]
IDLE = ("select", "selectors.py")


def _walk(frame: Frame) -> Iterator[Frame]:
    yield frame
    for child in frame.children:
        yield from _walk(child)


def _matches(frame: Frame, name: str, path: str) -> bool:
    file = (frame.file_path or "").replace("\\", "/")
    return path in file and (name == "*" or frame.function == name)


def inclusive(root: Frame, name: str, path: str) -> float:
    """Time under frames matching (name, path), not counting a match inside a match."""
    total = 0.0
    stack = [root]
    while stack:
        frame = stack.pop()
        if _matches(frame, name, path):
            total += frame.time
            continue
        stack.extend(frame.children)
    return total


def _package(frame: Frame) -> str:
    file = (frame.file_path or "").replace("\\", "/")
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for own in ("bot/", "dialogs/", "knowledge/", "bench/"):
        if f"/{own}" in file:
            return own.rstrip("/") + "/ (" + file.rsplit("/", 1)[1] + ")"
    if "/lib/python" in file:
        part = file.split("/lib/python", 1)[1].split("/", 2)
        return "stdlib " + (part[1].removesuffix(".py") if len(part) > 1 else "?")
    return file or "?"


def report(path: str, top: int = 25) -> str:
    session = Session.load(path)
    root = session.root_frame()
    assert root is not None
    idle = inclusive(root, *IDLE)
    busy = root.time - idle
    lines = [
        f"sampled {root.time:.1f} s, idle in select {idle:.1f} s, busy {busy:.1f} s "
        f"(percentages are of busy time)",
        "",
        "inclusive time of the steps:",
    ]
    for label, name, file in STEPS:
        seconds = inclusive(root, name, file)
        if seconds:
            lines.append(f"  {100 * seconds / busy:5.1f} %  {label}")
    own: collections.Counter[str] = collections.Counter()
    for frame in _walk(root):
        if frame.children:
            continue
        # Self time sits in synthetic leaves ("[self]"): it belongs to their parent.
        owner = frame.parent if frame.is_synthetic and frame.parent else frame
        if not _matches(owner, *IDLE):
            own[_package(owner)] += frame.time
    lines += ["", "self time by package / module:"]
    for name, seconds in own.most_common(top):
        lines.append(f"  {100 * seconds / busy:5.1f} %  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("session", help="a .pyisession file written by pyinstrument")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    print(report(args.session, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
