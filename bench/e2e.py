"""End-to-end speed: simulated Telegram users against the real bot process.

    .venv/bin/python -m bench.e2e [--users N] [--repeats R] [--quick] [--output PATH]

A lean Bot API server (bench/server.py) runs in this process on 127.0.0.1 together with
N simulated users; the bot runs in its own process (``clientwise run --mode polling``
with ``TELEGRAM_API_BASE_URL`` pointed at the server and a fresh ``CLIENTWISE_DB``).
Every user completes the whole questionnaire, acting the instant a new question shows:
tapping one of the newest answer buttons (now and then twice), typing the description
(sometimes twice). Users come in the bot's six languages in turn (Telegram's
``language_code`` and the description typed in that language). Before the load, one
language at a time, a first user of each language says /start, taps Start and types the
description, then a second one does the same: ``first_by_lang_ms`` is the slowest of the
first user's three replies, ``warm_by_lang_ms`` the second user's — what the first owner
writing in a language pays that later ones do not. Configurations, each run
``--repeats`` times:

* ``clientwise`` — send limiter lifted (``CLIENTWISE_MAX_SENDS_PER_SECOND=0``);
* ``conversation`` / ``echo`` — the peers in bench/peers/ under the same load, built as
  python-telegram-bot builds a bot by default (httpx);
* ``conversation-aiohttp`` — the ConversationHandler peer on Clientwise's Bot API
  connection (bot/aiohttp_request.py), to separate the transport from the bots' work;
* ``human`` — default send rate (30/s), each user thinking 4-12 s before every answer
  (first messages spread over the first 12 s, as people do not all arrive at once);
* ``hung`` — as ``human``, but one call for one chat (after its third action) never
  returns: the server holds it; the other users' latency is reported without that chat.

Per run, one summary line: updates/s, reply latency p50/p95/p99 (from the user's action
to the bot's reply arriving at the server), bot CPU ms per update (utime+stime from
/proc/<pid>/stat before/after the load), the bot's peak RSS (VmHWM), start-up to first
reply, this process's own CPU per update (server + users: it must not be the bottleneck)
and the 1-minute load average. Without ``--quick`` the results are written into
docs/BENCHMARKS.md between the ``e2e`` markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import TOKEN, BenchServer, Chat

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
QUESTION = re.compile(r"^(\d+)/(\d+)\s", re.MULTILINE)  # a note may come first
# A law firm in each language: the words an owner would type (each is among the business's
# synonyms in knowledge/data, so every user gets past question 1 the same way).
DESCRIPTIONS = {
    "en": "law firm",
    "id": "kantor hukum",
    "th": "สำนักงานกฎหมาย",
    "tr": "avukatlık bürosu",
    "ru": "юридическая фирма",
    "ro": "cabinet de avocatură",
}
LANGS = tuple(DESCRIPTIONS)
ECHO_ACTIONS = 14  # about what a questionnaire takes (13 updates + doubled inputs)
MAX_ACTIONS = 60
GIVE_UP_STALLS = 4  # waits in a row with nothing new on screen
PROBE = {"id": 1, "is_bot": False, "first_name": "Probe", "language_code": "en"}
TICK = os.sysconf("SC_CLK_TCK")
BEGIN, END = "<!-- e2e:begin -->", "<!-- e2e:end -->"


@dataclass
class Config:
    name: str
    bot: str  # clientwise | conversation | echo
    think: tuple[float, float] | None = None
    sends_per_second: float = 0
    hang: bool = False
    peer_request: str = ""  # "aiohttp": a peer on Clientwise's Bot API connection


@dataclass
class Result:
    config: Config
    users: int
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # every user but the hung one
    late: list[float] = field(default_factory=list)  # replies after the first 20 s
    hung_latency: float | None = None
    bot_cpu_ms: float = 0.0
    peak_rss_mb: float = 0.0
    startup_ms: float = 0.0
    own_cpu_ms: float = 0.0
    api_calls: int = 0  # Bot API calls other than getUpdates during the load
    runqueue_ms: float = 0.0  # the bot ready to run but waiting for a CPU
    stalls: int = 0
    unfinished: int = 0
    load: str = ""
    # language -> ms: the first user's slowest reply, and a second user's (see the top)
    first_by_lang: dict[str, float] = field(default_factory=dict)
    warm_by_lang: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_update(self) -> float:
        return self.bot_cpu_ms / self.updates if self.updates else 0.0

    @property
    def calls_per_update(self) -> float:
        return self.api_calls / self.updates if self.updates else 0.0

    @property
    def own_per_update(self) -> float:
        return self.own_cpu_ms / self.updates if self.updates else 0.0

    def pct(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def late_p99(self) -> float:
        if len(self.late) < 2:
            return 0.0
        return statistics.quantiles(self.late, n=100, method="inclusive")[98] * 1000

    def line(self) -> str:
        late = f" p99_after_20s_ms={self.late_p99():.0f}" if self.config.think else ""
        hung = f" hung_chat_latency_ms={self.hung_latency * 1000:.0f}" if self.hung_latency else ""
        return (
            f"e2e {self.config.name} users={self.users} updates={self.updates} "
            f"updates/s={self.rate:.1f} api_calls/update={self.calls_per_update:.2f} "
            f"p50_ms={self.pct(50):.0f} p95_ms={self.pct(95):.0f} "
            f"p99_ms={self.pct(99):.0f}{late} bot_cpu_ms/update={self.cpu_per_update:.2f} "
            f"bot_peak_rss_mb={self.peak_rss_mb:.0f} startup_ms={self.startup_ms:.0f} "
            f"server_cpu_ms/update={self.own_per_update:.2f} "
            f"bot_cpu_wait_ms/update={self.runqueue_ms / max(1, self.updates):.2f} "
            f"stalls={self.stalls} "
            f"unfinished={self.unfinished}{hung}{self.by_lang()} load={self.load}"
        )

    def by_lang(self) -> str:
        if not self.first_by_lang:
            return ""
        first = ",".join(f"{k}:{v:.0f}" for k, v in self.first_by_lang.items())
        warm = ",".join(f"{k}:{v:.0f}" for k, v in self.warm_by_lang.items())
        return f" first_by_lang_ms={first} warm_by_lang_ms={warm}"


# --- the bot process ---------------------------------------------------------------------------


def _command(bot: str, profile: Path | None = None) -> list[str]:
    module = "bot" if bot == "clientwise" else f"bench.peers.{bot}"
    args = ["run", "--mode", "polling"] if bot == "clientwise" else []
    if profile is not None:  # pyinstrument in the venv: .venv/bin/pip install pyinstrument
        return [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "pyisession",
            "-o",
            str(profile),
            "-m",
            module,
            *args,
        ]
    if bot == "clientwise":  # the installed command, as deployed
        return [str(Path(sys.executable).with_name("clientwise")), *args]
    return [sys.executable, "-m", module]


def _env(
    base_url: str, db: Path, sends_per_second: float, peer_request: str = ""
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK", "CLIENTWISE_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        CLIENTWISE_DB=str(db),
        CLIENTWISE_MAX_SENDS_PER_SECOND=str(sends_per_second),
        BENCH_PEER_REQUEST=peer_request,
    )
    return env


def cpu_ms(pid: int) -> float:
    """utime + stime of a process, in ms (clock-tick resolution)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK


def cpu_wait_ms(pid: int) -> float:
    """How long the process was ready to run but waited for a CPU (/proc/<pid>/schedstat):
    what slows a bot on a shared machine without showing up in its CPU time."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e6


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def cpu_ticks() -> tuple[int, int]:
    """(steal, total) jiffies of the whole machine: a VM's host may take CPU from it."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields)


def _own_cpu_ms() -> float:
    t = os.times()
    return (t.user + t.system) * 1000


# --- simulated users ---------------------------------------------------------------------------


def user(n: int, first_id: int = 10_000) -> dict[str, object]:
    """The n-th simulated user; the languages take turns."""
    lang = LANGS[n % len(LANGS)]
    return {"id": first_id + n, "is_bot": False, "first_name": f"U{n}", "language_code": lang}


def description(chat: Chat) -> str:
    return DESCRIPTIONS.get(str(chat.user.get("language_code")), DESCRIPTIONS["en"])


async def _pause(rng: random.Random, think: tuple[float, float] | None) -> None:
    if think is not None:
        await asyncio.sleep(rng.uniform(*think))


async def questionnaire_user(
    server: BenchServer,
    chat: Chat,
    rng: random.Random,
    think: tuple[float, float] | None,
    stall: float,
) -> tuple[bool, int]:
    """/start, Start, the description, then an answer to every question; (finished, stalls)."""
    if think is not None:
        await asyncio.sleep(rng.uniform(0, think[1]))  # people do not all arrive at once
    server.act(chat, text="/start")
    started, stalls, seen, idle = False, 0, chat.version, 0
    while chat.actions < MAX_ACTIONS:
        if not await server.wait_view(chat, seen, stall):
            stalls += 1  # nothing changed: act on what is shown, as a user would
            idle += 1
            if idle >= GIVE_UP_STALLS:  # nothing to act on for a minute: counted unfinished
                shown = chat.view()
                print(
                    f"user {chat.user['id']} gave up; shown: {shown and shown.text!r}",
                    file=sys.stderr,
                )
                return False, stalls
        else:
            idle = 0
        seen = chat.version
        await _pause(rng, think)
        view = chat.view()
        if view is None or not view.flat:
            continue
        found = QUESTION.search(view.text)
        if found is None:
            if started:
                return True, stalls  # the result card
            started = True
            server.act(chat, press=view.flat[0]["callback_data"], on=view)  # Start
        elif found[1] == "1":
            for _ in range(rng.choice((1, 2))):  # typed twice, as people do
                server.act(chat, text=description(chat))
        else:
            answers = view.flat[:-2] or view.flat  # not "Not sure" / "Back"
            server.act(chat, press=rng.choice(answers)["callback_data"], on=view)
            if rng.random() < 0.2:  # a double tap
                server.act(chat, press=rng.choice(answers)["callback_data"], on=view)
    return False, stalls


async def echo_user(
    server: BenchServer,
    chat: Chat,
    rng: random.Random,
    think: tuple[float, float] | None,
    stall: float,
) -> tuple[bool, int]:
    stalls = 0
    for n in range(ECHO_ACTIONS):
        await _pause(rng, think)
        seen = chat.version
        server.act(chat, text=f"hello {n}")
        if not await server.wait_view(chat, seen, stall):
            stalls += 1
    return True, stalls


async def first_replies(server: BenchServer, chat: Chat) -> float:
    """/start, Start, the description, one at a time, each after the last reply: the
    slowest of the three replies, in ms."""
    slowest = 0.0
    for step in ("/start", "Start", "description"):
        view, seen = chat.view(), chat.version
        if step == "/start":
            server.act(chat, text="/start")
        elif step == "Start":
            assert view is not None and view.flat, "no Start button after /start"
            server.act(chat, press=view.flat[0]["callback_data"], on=view)
        else:
            server.act(chat, text=description(chat))
        if not await server.wait_view(chat, seen, 30):
            raise RuntimeError(f"no reply to {step} in {chat.user['language_code']}")
        mine = [s for chat_id, s, _ in server.latencies if chat_id == chat.user["id"]]
        slowest = max([slowest, *mine])
        await asyncio.sleep(0.05)  # a second message of the reply ("Noted: …") lands
    return slowest * 1000


async def language_probes(server: BenchServer, result: Result) -> None:
    """The first user of every language, then a second one (see the top)."""
    for n, lang in enumerate(LANGS):
        first, second = server.chat(user(n, 100)), server.chat(user(n, 200))
        assert first.user["language_code"] == lang
        result.first_by_lang[lang] = await first_replies(server, first)
        result.warm_by_lang[lang] = await first_replies(server, second)


# --- one run -------------------------------------------------------------------------------------


async def run(
    config: Config,
    users: int,
    seed: int,
    profile: Path | None = None,
    database: Path | None = None,
) -> Result:
    """One configuration against a fresh bot process (on a copy of ``database`` if given)."""
    server = BenchServer(any_message=config.bot == "echo")
    base_url = await server.start()
    result = Result(config, users, load=loadavg())
    with tempfile.TemporaryDirectory(prefix="clientwise-e2e-") as tmp:
        log = open(Path(tmp) / "bot.log", "wb")  # noqa: SIM115 (closed below)
        if database is not None:
            shutil.copyfile(database, Path(tmp) / "bot.db")
        probe = server.chat(PROBE)
        spawned = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *_command(config.bot, profile),
            cwd=ROOT,
            env=_env(base_url, Path(tmp) / "bot.db", config.sends_per_second, config.peer_request),
            stdout=log,
            stderr=log,
        )
        try:
            # The probe's /start waits in the queue: start-up ends with its reply.
            server.act(probe, text="/start")
            if not await server.wait_view(probe, 0, 60):
                log.flush()
                tail = (Path(tmp) / "bot.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{config.bot}: no reply within 60 s; its log ends:\n{tail}")
            result.startup_ms = (time.perf_counter() - spawned) * 1000
            await asyncio.sleep(0.5)  # let start-up work (commands, pruning) settle
            if config.bot == "clientwise":  # the peers do not speak languages
                await language_probes(server, result)
            server.latencies.clear()
            chats = [server.chat(user(n)) for n in range(users)]
            if config.hang:
                server.hang_chat = chats[0].user["id"]
            rng = random.Random(seed)
            simulate = echo_user if config.bot == "echo" else questionnaire_user
            stall = 30.0 if config.think else 15.0
            bot_before, own_before = cpu_ms(process.pid), _own_cpu_ms()
            steal_before, total_before = cpu_ticks()
            waited_before = cpu_wait_ms(process.pid)
            pushed_before = server.updates_pushed
            calls_before = sum(server.calls.values()) - server.calls["getUpdates"]
            started = time.perf_counter()
            outcomes = await asyncio.gather(
                *(
                    simulate(server, c, random.Random(rng.random()), config.think, stall)
                    for c in chats
                )
            )
            result.seconds = time.perf_counter() - started
            await asyncio.sleep(0.3)  # late double taps are part of the work
            result.bot_cpu_ms = cpu_ms(process.pid) - bot_before
            result.own_cpu_ms = _own_cpu_ms() - own_before
            result.runqueue_ms = cpu_wait_ms(process.pid) - waited_before
            result.updates = server.updates_pushed - pushed_before
            calls = sum(server.calls.values()) - server.calls["getUpdates"]
            result.api_calls = calls - calls_before
            result.peak_rss_mb = peak_rss_mb(process.pid)
            result.stalls = sum(s for _, s in outcomes)
            result.unfinished = sum(not done for done, _ in outcomes)
            hung = server.hang_chat
            result.latencies = [s for chat_id, s, _ in server.latencies if chat_id != hung]
            # Replies after the first 20 s: the arrival burst and first-use costs are over.
            result.late = [
                s for chat_id, s, at in server.latencies if chat_id != hung and at > started + 20
            ]
            if hung is not None:
                result.hung_latency = max(
                    (s for chat_id, s, _ in server.latencies if chat_id == hung), default=None
                )
            steal, total = cpu_ticks()
            stolen = 100 * (steal - steal_before) / max(1, total - total_before)
            result.load += f"-{loadavg()},steal={stolen:.0f}%"
        finally:
            if process.returncode is None:
                process.terminate()
            try:
                # A profiled bot writes its session on the way out: give it time.
                await asyncio.wait_for(process.wait(), 180 if profile else 15)
            except TimeoutError:
                process.kill()
                await process.wait()
            log.close()
            await server.stop()
    return result


# --- the report ----------------------------------------------------------------------------------


def machine() -> str:
    import telegram

    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"python-telegram-bot {telegram.__version__}; {platform.system()} {platform.release()}"
    )


def _span(values: list[float], fmt: str = "{:.0f}") -> str:
    low, high = min(values), max(values)
    if fmt.format(low) == fmt.format(high):
        return fmt.format(low)
    return f"{fmt.format(low)}–{fmt.format(high)}"


def _versus(cw: list[Result], peer: list[Result]) -> tuple[list[float], str, str]:
    """Clientwise against a peer, run by run: throughput ratios, and both as text (%, ×)."""
    ratio = [a.rate / b.rate for a, b in zip(cw, peer, strict=False)]
    cpu = [a.cpu_per_update / b.cpu_per_update for a, b in zip(cw, peer, strict=False)]
    return ratio, _span([100 * x for x in ratio]), _span(cpu, "{:.1f}")


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def report(results: list[Result], command: str) -> str:
    by: dict[str, list[Result]] = {}
    for r in results:
        by.setdefault(r.config.name, []).append(r)
    rows = [
        "| configuration | runs | updates/s | Bot API calls/update | p50 ms | p95 ms | p99 ms "
        "| bot CPU ms/update "
        "| bot peak RSS MB | start-up to first reply ms | server+users CPU ms/update "
        "| load (1 min, before-after), CPU stolen by the host |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in by.items():
        rows.append(
            f"| {name} | {len(runs)} | {_span([r.rate for r in runs])} "
            f"| {_span([r.calls_per_update for r in runs], '{:.2f}')} "
            f"| {_span([r.pct(50) for r in runs])} | {_span([r.pct(95) for r in runs])} "
            f"| {_span([r.pct(99) for r in runs])} "
            f"| {_span([r.cpu_per_update for r in runs], '{:.2f}')} "
            f"| {_span([r.peak_rss_mb for r in runs])} | {_span([r.startup_ms for r in runs])} "
            f"| {_span([r.own_per_update for r in runs], '{:.2f}')} "
            f"| {', '.join(r.load for r in runs)} |"
        )
    lines = [
        BEGIN,
        "## End to end (bench/e2e.py)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; users per run: "
        f"{results[0].users}; ranges are min–max over the runs.",
        "",
        *rows,
        "",
    ]
    cw, conv = by.get("clientwise", []), by.get("conversation", [])
    echo, hung, human = by.get("echo", []), by.get("hung", []), by.get("human", [])
    notes: list[str] = []
    if cw and conv:
        ratio, throughput, cpu = _versus(cw, conv)
        notes.append(
            f"- Clientwise / ConversationHandler peer, run by run: throughput {throughput} %, "
            f"bot CPU per update {cpu}×. "
            f"Target ≥ 90 % of the peer's throughput: {_verdict(min(ratio) >= 0.9)}."
        )
    same = by.get("conversation-aiohttp", [])
    if cw and same:
        _, throughput, cpu = _versus(cw, same)
        notes.append(
            f"- Clientwise / the same peer on Clientwise's aiohttp connection (the bots' own "
            f"work, transport aside): throughput {throughput} %, bot CPU per update {cpu}×."
        )
    if cw and echo:
        _, throughput, cpu = _versus(cw, echo)
        notes.append(
            f"- Clientwise / echo peer: throughput {throughput} %, bot CPU per update {cpu}×."
        )
    if cw:
        worst = max(r.cpu_per_update for r in cw)
        notes.append(
            f"- Bot CPU per update ≤ 3.5 ms: {_verdict(worst <= 3.5)} "
            f"({_span([r.cpu_per_update for r in cw], '{:.2f}')} ms)."
        )
    if human:
        p50, p99 = max(r.pct(50) for r in human), max(r.pct(99) for r in human)
        notes.append(
            f"- Human pace at the default 30 sends/s, {human[0].users} users: p50 "
            f"{_span([r.pct(50) for r in human])} ms (target ≤ 300: {_verdict(p50 <= 300)}), "
            f"p99 {_span([r.pct(99) for r in human])} ms (target ≤ 1500: "
            f"{_verdict(p99 <= 1500)}); p99 of the replies after the first 20 s (arrivals "
            f"spread, first-use costs paid): {_span([r.late_p99() for r in human])} ms."
        )
    if hung and human:
        held = [r.hung_latency * 1000 for r in hung if r.hung_latency]
        notes.append(
            f"- One hung call (human pace): the other users' p50/p99 "
            f"{_span([r.pct(50) for r in hung])}/{_span([r.pct(99) for r in hung])} ms against "
            f"{_span([r.pct(50) for r in human])}/{_span([r.pct(99) for r in human])} ms "
            f"without it; "
            f"the hung chat's own reply took {_span(held) if held else '—'} ms (PTB's 5 s "
            f"read timeout, then the retry)."
        )
    probed = [r for r in results if r.first_by_lang]
    if probed:
        langs = list(probed[0].first_by_lang)
        first = ", ".join(
            f"{lang} {_span([r.first_by_lang[lang] for r in probed])}" for lang in langs
        )
        warm = ", ".join(
            f"{lang} {_span([r.warm_by_lang[lang] for r in probed])}" for lang in langs
        )
        notes.append(
            f"- First use of each language (before the load, one language at a time: the "
            f"slowest of the replies to /start, Start and the description typed in that "
            f"language), ms: first user {first}; a second user of the same language {warm}."
        )
    if cw:
        notes.append(
            f"- Start-up to first reply (fresh database, process spawn to the reply to a "
            f"queued /start): {_span([r.startup_ms for r in cw])} ms "
            f"(target ≤ 1000: {_verdict(max(r.startup_ms for r in cw) <= 1000)})."
        )
    lines += [*notes, "", END]
    return "\n".join(lines)


def write_section(path: Path, section: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the text between ``begin`` and ``end`` in ``path`` (or append it)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


CONFIGS = {
    "clientwise": Config("clientwise", "clientwise"),
    "conversation": Config("conversation", "conversation"),
    "echo": Config("echo", "echo"),
    # The peer on the same transport as Clientwise (bot/aiohttp_request.py): what is left
    # of the difference is the bots' own work.
    "conversation-aiohttp": Config("conversation-aiohttp", "conversation", peer_request="aiohttp"),
    "human": Config("human", "clientwise", think=(4.0, 12.0), sends_per_second=30),
    # At human pace latency is low and steady, so a hang's effect on others would show.
    "hung": Config("hung", "clientwise", think=(4.0, 12.0), sends_per_second=30, hang=True),
    # Diagnostic, not in the default set: human pace with the limiter lifted.
    "human-unlimited": Config("human-unlimited", "clientwise", think=(4.0, 12.0)),
}
DEFAULT = ["clientwise", "conversation", "conversation-aiohttp", "echo", "human", "hung"]


async def main_async(args: argparse.Namespace) -> list[Result]:
    names = args.only or DEFAULT
    results: list[Result] = []
    for repeat in range(args.repeats):
        for name in names:
            config = CONFIGS[name]
            if args.quick and config.think:
                config = Config(
                    config.name,
                    config.bot,
                    (0.2, 0.6),
                    config.sends_per_second,
                    config.hang,
                    config.peer_request,
                )
            result = await run(
                config, args.users, seed=1000 * repeat + len(results), profile=args.profile
            )
            print(result.line(), flush=True)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=None, help="default 200 (5 with --quick)")
    parser.add_argument("--repeats", type=int, default=None, help="default 2 (1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a few users, thinking 0.2-0.6 s")
    parser.add_argument("--only", nargs="*", choices=list(CONFIGS), help="some configurations")
    parser.add_argument(
        "--profile", type=Path, default=None, help="run the bot under pyinstrument into this file"
    )
    parser.add_argument("--output", type=Path, default=None, help=f"default {DOC} (not --quick)")
    args = parser.parse_args(argv)
    args.users = args.users or (5 if args.quick else 200)
    args.repeats = args.repeats or (1 if args.quick else 2)
    results = asyncio.run(main_async(args))
    # A profiled bot is slower: its numbers do not go into the document.
    output = args.output or (None if args.quick or args.profile else DOC)
    if output is not None:
        command = ".venv/bin/python -m bench.e2e " + " ".join(argv or sys.argv[1:])
        write_section(output, report(results, command.strip()))
        print(f"written: {output}")
    return 0 if all(r.unfinished == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
