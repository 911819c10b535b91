"""The terminal chat: the same engine as on Telegram, with numbered options.

Works interactively and with piped input (each input line is echoed, so a piped run
reads like a transcript). Options can be picked by number or typed as words. Every
line is written in the conversation's current language, so /language switches the
terminal's own lines too. Ctrl-C and Ctrl-D both leave with the goodbye line. A
finished questionnaire's picture (bot/picture.py) is saved as a PNG and its path printed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from dialogs.conversation import LocalConversation
from dialogs.engine import Engine
from dialogs.events import Reply, ReplyOption
from dialogs.state import DialogState
from knowledge.phrases import normalise

QUIT = {"/quit", "/exit", "/q"}
FORGET = "/forget"
# Ctrl-C is how people leave an interactive chat, like Ctrl-D or /quit: the session ends
# as asked and nothing failed, so exit 0 (not 130). Under `make run` a 130 would append
# "make: *** [run] Error 130" to the goodbye; make itself still dies of the same SIGINT
# (the terminal sends it to the whole foreground group), so a calling script still stops.
INTERRUPTED = 0
FORGET_YES, FORGET_NO = "forget_yes", "forget_no"


def render_reply(engine: Engine, reply: Reply, lang: str) -> str:
    lines = [reply.text]
    mark = engine.kb.text("terminal_selected", lang)
    for n, option in enumerate(reply.options, start=1):
        selected = f"  {mark}" if option.selected else ""
        lines.append(f"  {n}. {option.label}{selected}")
    return "\n".join(lines)


def _command(text: str) -> str:
    """The command a line starts with ("/Forget@bot now" -> "/forget"), else ""."""
    if not text.startswith("/"):
        return ""
    return text.split(maxsplit=1)[0].split("@", 1)[0].casefold()


class TerminalChat:
    """One terminal session: reads lines, drives a ``LocalConversation``, prints replies."""

    def __init__(self, engine: Engine, lang: str, stdin: TextIO, stdout: TextIO) -> None:
        self.engine = engine
        self.conversation = LocalConversation(engine, DialogState(lang=lang))
        self.stdin = stdin
        self.stdout = stdout
        self.piped = not stdin.isatty()
        self.confirming_forget = False
        self.pictures: Path | None = None  # where result pictures go (tests set a folder)

    @property
    def lang(self) -> str:
        return self.conversation.state.lang

    def text(self, key: str) -> str:
        return self.engine.kb.text(key, self.lang)

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def show(self, replies: list[Reply]) -> None:
        self.write("".join(render_reply(self.engine, r, self.lang) + "\n\n" for r in replies))

    def run(self) -> int:
        # One loop for the whole session, but the blocking read happens outside it:
        # asyncio.run would catch the first Ctrl-C itself (cancelling a task that is stuck
        # in readline) and only a second press would get through.
        loop = asyncio.new_event_loop()
        try:
            return self._session(loop)
        except KeyboardInterrupt:
            self.write("\n" + self.text("terminal_bye") + "\n")
            return INTERRUPTED
        finally:
            loop.close()

    def _session(self, loop: asyncio.AbstractEventLoop) -> int:
        self.write(self.text("terminal_intro") + "\n" + self.text("terminal_go_live") + "\n\n")
        self.show(loop.run_until_complete(self.conversation.send("/start")))
        while True:
            self.write(self.text("terminal_prompt") + " ")
            line = self.stdin.readline()
            if not line:  # end of input (Ctrl-D)
                self.write("\n" + self.text("terminal_bye") + "\n")
                return 0
            text = line.strip()
            if self.piped:
                self.write(text + "\n")
            if text.casefold() in QUIT:
                self.write(self.text("terminal_bye") + "\n")
                return 0
            self.write("\n")
            if self.confirming_forget:
                self.confirming_forget = False
                self.show(loop.run_until_complete(self._answer_forget(text)))
            elif _command(text) == FORGET:
                self.confirming_forget = True
                self.show([self._forget_question()])
            else:
                self.show(loop.run_until_complete(self._step(text)))

    async def _step(self, text: str) -> list[Reply]:
        was_done = self.conversation.state.phase == "done"
        options = [o for r in self.conversation.last for o in r.options]
        if text.isdigit() and 1 <= int(text) <= len(options):
            replies = await self.conversation.press(options[int(text) - 1].id)
        else:
            replies = await self.conversation.send(text)
        if self.conversation.state.phase == "done" and not was_done:
            path = await asyncio.to_thread(self._save_picture)
            notice = self.engine.kb.text("picture_saved", self.lang, path=path)
            replies.append(Reply(kind="notice", text=notice))
        return replies

    def _save_picture(self) -> Path:
        """The result's PNG in the temporary folder (the same picture Telegram sends)."""
        from bot.picture import result_png  # Pillow is loaded only when a result needs it

        outcome = self.engine.outcome(self.conversation.state)
        folder = self.pictures or Path(tempfile.gettempdir()) / "clientwise"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"result-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 1000:03d}.png"
        path.write_bytes(result_png(self.engine.kb, self.lang, outcome.verdict, outcome.answers))
        return path

    # --- /forget: the session's answers, after a confirmation as on Telegram ----------

    def _forget_question(self) -> Reply:
        return Reply(
            kind="question",
            text=self.text("forget_confirm"),
            options=[
                ReplyOption(id=FORGET_YES, label=self.text("btn_forget_yes")),
                ReplyOption(id=FORGET_NO, label=self.text("btn_forget_no")),
            ],
        )

    def _says_yes(self, text: str) -> bool:
        typed = normalise(text)
        yes = {normalise(w) for w in self.text("confirm_words").split(",")}
        return typed == "1" or typed == normalise(self.text("btn_forget_yes")) or typed in yes

    async def _answer_forget(self, text: str) -> list[Reply]:
        """Only a clear yes deletes; anything else keeps the answers."""
        if not self._says_yes(text):
            replies = self.engine.current(self.conversation.state)
            self.conversation.last = replies
            return [Reply(kind="notice", text=self.text("forget_kept")), *replies]
        self.conversation.state = DialogState(lang=self.lang)  # the language is kept
        self.conversation.last = []
        done = Reply(kind="notice", text=self.text("forgotten"))
        return [done, *await self.conversation.send("/start")]


def run_terminal(
    engine: Engine, lang: str = "en", stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    return TerminalChat(engine, lang, stdin or sys.stdin, stdout or sys.stdout).run()
