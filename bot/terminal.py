"""The terminal chat: the same engine as on Telegram, with numbered options.

Works interactively and with piped input (each input line is echoed, so a piped run
reads like a transcript). Options can be picked by number or typed as words.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from dialogs.conversation import LocalConversation
from dialogs.engine import Engine
from dialogs.events import Reply
from dialogs.state import DialogState

QUIT = {"/quit", "/exit", "/q"}


def render_reply(engine: Engine, reply: Reply, lang: str) -> str:
    lines = [reply.text]
    mark = engine.kb.text("terminal_selected", lang)
    for n, option in enumerate(reply.options, start=1):
        selected = f"  {mark}" if option.selected else ""
        lines.append(f"  {n}. {option.label}{selected}")
    return "\n".join(lines)


async def _chat(engine: Engine, lang: str, stdin: TextIO, stdout: TextIO) -> int:
    conversation = LocalConversation(engine, DialogState(lang=lang))
    kb = engine.kb
    piped = not stdin.isatty()

    def show(replies: list[Reply]) -> None:
        for reply in replies:
            stdout.write(render_reply(engine, reply, lang) + "\n\n")
        stdout.flush()

    stdout.write(
        kb.text("terminal_intro", lang) + "\n" + kb.text("terminal_go_live", lang) + "\n\n"
    )
    show(await conversation.send("/start"))
    prompt = kb.text("terminal_prompt", lang) + " "
    while True:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:  # end of input
            stdout.write("\n" + kb.text("terminal_bye", lang) + "\n")
            return 0
        text = line.strip()
        if piped:
            stdout.write(text + "\n")
        if text.casefold() in QUIT:
            stdout.write(kb.text("terminal_bye", lang) + "\n")
            return 0
        options = [o for r in conversation.last for o in r.options]
        if text.isdigit() and 1 <= int(text) <= len(options):
            replies = await conversation.press(options[int(text) - 1].id)
        else:
            replies = await conversation.send(text)
        stdout.write("\n")
        show(replies)


def run_terminal(
    engine: Engine, lang: str = "en", stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    try:
        return asyncio.run(_chat(engine, lang, stdin or sys.stdin, stdout or sys.stdout))
    except KeyboardInterrupt:
        return 130
