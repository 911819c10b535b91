"""Shared fixtures, and the plugin that turns tests/dialogs/*.yaml into test items.

Each YAML dialog script is collected once per transport in ``TRANSPORTS``; a transport
is an async factory returning a ``Conversation`` for the script's language.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from dialogs.conversation import Conversation, LocalConversation
from dialogs.engine import Engine
from dialogs.flow import Flow, load_flow
from dialogs.script import DialogScript, load_script, run_script
from dialogs.state import DialogState
from knowledge.loader import default_knowledge
from knowledge.model import Knowledge

DIALOGS_DIR = Path(__file__).parent / "dialogs"

TransportFactory = Callable[[DialogScript], AbstractAsyncContextManager[Conversation]]


@asynccontextmanager
async def _engine_transport(script: DialogScript) -> AsyncIterator[Conversation]:
    yield LocalConversation(Engine.default(), DialogState(lang=script.lang), name=script.user)


@asynccontextmanager
async def _telegram_transport(script: DialogScript) -> AsyncIterator[Conversation]:
    from tests.fake_telegram import FakeTelegram
    from tests.telegram_harness import TelegramConversation, running_bot

    with tempfile.TemporaryDirectory() as folder:
        staff = [777] if script.staff else []
        async with running_bot(Path(folder) / "bot.db", admin_ids=staff) as harness:
            user = FakeTelegram.user(
                777, first_name=script.user or "Sam", language_code=script.lang
            )
            yield TelegramConversation(harness, user)


TRANSPORTS: dict[str, TransportFactory] = {
    "engine": _engine_transport,
    "telegram": _telegram_transport,
}


@pytest.fixture
async def tg(tmp_path: Path):
    """The real bot, in-process, against a fresh local Bot API server and database."""
    from tests.telegram_harness import running_bot

    async with running_bot(tmp_path / "bot.db") as harness:
        yield harness


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return default_knowledge()


@pytest.fixture(scope="session")
def flow(kb: Knowledge) -> Flow:
    return load_flow(kb)


@pytest.fixture(scope="session")
def engine(kb: Knowledge, flow: Flow) -> Engine:
    return Engine(kb, flow)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == DIALOGS_DIR:
        return DialogFile.from_parent(parent, path=file_path)
    return None


class DialogFile(pytest.File):
    def collect(self):  # type: ignore[override]
        script = load_script(self.path)
        for transport in TRANSPORTS:
            yield DialogItem.from_parent(self, name=transport, script=script, transport=transport)


class DialogItem(pytest.Item):
    def __init__(self, *, script: DialogScript, transport: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.script = script
        self.transport = transport

    def runtest(self) -> None:
        async def go() -> None:
            async with TRANSPORTS[self.transport](self.script) as conversation:
                await run_script(self.script, conversation)

        asyncio.run(go())

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        return str(excinfo.value)

    def reportinfo(self):  # type: ignore[override]
        return self.path, 0, f"dialog {self.script.name!r} via {self.transport}"
