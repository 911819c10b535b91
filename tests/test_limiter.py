"""bot/limiter.py on a simulated clock: first come first served, never more than the rate in
any window, the group limit, the lifted limit, 429 retries and cancelled waiters.

No wall-clock timing: ``FakeTime`` is a discrete-event clock. Its ``sleep`` parks the caller
until the clock is advanced to its wake time, and ``run`` advances the clock only once every
task is blocked, so results depend on the order of events, not on the machine's speed."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable, Coroutine
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.limiter import FifoRateLimiter, FifoWindow


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._steps = 0  # bumped by every clock read or sleep: the limiter made progress

    def clock(self) -> float:
        self._steps += 1
        return self.now

    async def sleep(self, delay: float) -> None:
        self._steps += 1
        self.sleeps.append(delay)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(delay, 0.0), next(self._seq), fut))
        await fut

    async def _settle(self, tasks: list[asyncio.Future[Any]]) -> None:
        """Let the event loop run until nothing changes for a few turns (all blocked)."""
        quiet, last = 0, None
        while quiet < 5:
            await asyncio.sleep(0)
            now = (self._steps, len(self._timers), sum(t.done() for t in tasks))
            quiet = quiet + 1 if now == last else 0
            last = now

    async def run(self, *jobs: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(j) for j in jobs]
        await self.drive(tasks)
        return [t.result() for t in tasks]

    async def drive(self, tasks: list[asyncio.Future[Any]], until: float | None = None) -> None:
        """Advance the clock timer by timer until the tasks are done (or ``until`` is reached)."""
        while True:
            await self._settle(tasks)
            if all(t.done() for t in tasks):
                return
            assert self._timers, "deadlock: tasks blocked with no timer pending"
            if until is not None and self._timers[0][0] > until:
                self.now = until
                return
            when, _, fut = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            if not fut.done():
                fut.set_result(None)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


async def _arrive(
    fake: FakeTime, at: float, name: str, window: FifoWindow, arrivals: list[str], grants: list
) -> None:
    await fake.sleep(at)
    arrivals.append(name)
    await window.acquire()
    grants.append((name, fake.now))


async def _request(
    fake: FakeTime,
    limiter: FifoRateLimiter,
    at: float,
    data: dict[str, Any],
    calls: list[tuple[Any, float]],
    retry_afters: int = 0,
    rate_limit_args: int | None = None,
) -> object:
    """One Bot API call arriving at ``at``; the first ``retry_afters`` attempts get a 429."""
    await fake.sleep(at)
    refusals = iter(range(retry_afters))

    async def callback(**kwargs: Any) -> bool:
        calls.append((kwargs.get("chat_id"), fake.now))
        if next(refusals, None) is not None:
            raise RetryAfter(1)
        return True

    return await limiter.process_request(callback, (), data, "sendMessage", data, rate_limit_args)


def _max_in_window(times: list[float], window: float) -> int:
    """The most grants inside any half-open window [t, t + window) of the clock."""
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


class PollingWindow(FifoWindow):
    """The AIORateLimiter-like control: each waiter re-checks for capacity on its own
    schedule (aiolimiter's waiters wake every 1/rate seconds) and whoever looks first when
    capacity frees takes it, newcomer or not."""

    async def acquire(self) -> None:
        while self._wait(self._clock()) > 0:
            await self._sleep(self.window / self.n)
        self._grants.append(self._clock())


# At 1/s: A goes at once, C waits from 0.0, B from 0.9; D arrives at 2.5 when a grant is
# free. Polling: C takes 1.0, B looks at 1.9 (too early) and 2.9, so D takes 2.5 — overtaking.
OVERTAKE = [("A", 0.0), ("C", 0.0), ("B", 0.9), ("D", 2.5)]


async def _grant_order(fake: FakeTime, window: FifoWindow) -> tuple[list[str], list]:
    arrivals: list[str] = []
    grants: list[tuple[str, float]] = []
    await fake.run(*(_arrive(fake, at, n, window, arrivals, grants) for n, at in OVERTAKE))
    return arrivals, grants


async def test_grants_follow_arrival_order(fake: FakeTime) -> None:
    arrivals, grants = await _grant_order(fake, FifoWindow(1, 1, fake.clock, fake.sleep))
    assert [name for name, _ in grants] == arrivals == ["A", "C", "B", "D"]
    assert [at for _, at in grants] == [0.0, 1.0, 2.0, 3.0]


async def test_the_same_arrivals_overtake_with_polling_waiters(fake: FakeTime) -> None:
    """The scenario above can fail: AIORateLimiter-like waiting lets D pass B."""
    arrivals, grants = await _grant_order(fake, PollingWindow(1, 1, fake.clock, fake.sleep))
    assert arrivals == ["A", "C", "B", "D"]
    assert [name for name, _ in grants] == ["A", "C", "D", "B"]


@pytest.mark.parametrize("rate", [30, 7, 2.5])
async def test_busy_stream_is_fifo_and_never_over_the_rate(fake: FakeTime, rate: float) -> None:
    """Random arrivals at ~90 % of the rate with bursts: order kept, the window respected,
    and nobody waits longer than the line ahead of it takes to clear."""
    rng = random.Random(13)
    times = sorted(rng.uniform(0, 400 / rate) for _ in range(360))
    times += [times[100]] * 40  # a burst of 40 at one instant
    window = FifoWindow(rate, 1, fake.clock, fake.sleep)
    arrivals: list[str] = []
    grants: list[tuple[str, float]] = []
    await fake.run(
        *(_arrive(fake, at, str(i), window, arrivals, grants) for i, at in enumerate(times))
    )
    assert [name for name, _ in grants] == arrivals
    granted = [at for _, at in grants]
    assert _max_in_window(granted, window.window) <= window.n
    assert window.n == int(rate) and window.window == pytest.approx(int(rate) / rate)


async def test_limiter_keeps_arrival_order_and_30_per_second_across_chats(
    fake: FakeTime,
) -> None:
    limiter = FifoRateLimiter(30, max_retries=3, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    # 100 private chats at once, then 20 more at 1.5 s while the first are still queued.
    jobs = [_request(fake, limiter, 0.0, {"chat_id": i}, calls) for i in range(100)]
    jobs += [_request(fake, limiter, 1.5, {"chat_id": 100 + i}, calls) for i in range(20)]
    await fake.run(*jobs)
    assert [chat for chat, _ in calls] == list(range(120))
    assert _max_in_window([at for _, at in calls], 1.0) == 30
    assert calls[-1][1] == 3.0  # 120 requests at 30/s: the last one goes in the 4th second


async def test_requests_without_a_chat_are_not_limited(fake: FakeTime) -> None:
    """answerCallbackQuery has no chat_id: it never waits behind sends (as in PTB)."""
    limiter = FifoRateLimiter(1, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    jobs = [_request(fake, limiter, 0.0, {"chat_id": i}, calls) for i in range(3)]
    jobs += [_request(fake, limiter, 0.5, {"callback_query_id": "q"}, calls)]
    await fake.run(*jobs)
    assert (None, 0.5) in calls
    assert [at for chat, at in calls if chat is not None] == [0.0, 1.0, 2.0]


async def test_group_gets_20_a_minute_without_holding_back_private_chats(
    fake: FakeTime,
) -> None:
    limiter = FifoRateLimiter(30, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    jobs = [_request(fake, limiter, 0.0, {"chat_id": -100}, calls) for _ in range(25)]
    jobs += [_request(fake, limiter, 0.0, {"chat_id": "@news"}, calls) for _ in range(21)]
    jobs += [_request(fake, limiter, 5.0, {"chat_id": 7}, calls)]
    await fake.run(*jobs)
    group = [at for chat, at in calls if chat == -100]
    assert group.count(0.0) == 20 and group[20:] == [60.0] * 5
    channel = [at for chat, at in calls if chat == "@news"]
    assert channel[:10] == [0.0] * 10  # the overall 30/s shared with the group above
    assert channel[-1] == 60.0 and channel.count(60.0) == 1
    assert (7, 5.0) in calls  # a private chat passes the groups' queues


async def test_paid_broadcast_is_outside_the_overall_limit(fake: FakeTime) -> None:
    limiter = FifoRateLimiter(1, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    paid = {"chat_id": 1, "allow_paid_broadcast": True}
    await fake.run(*(_request(fake, limiter, 0.0, dict(paid), calls) for _ in range(50)))
    assert [at for _, at in calls] == [0.0] * 50


async def test_lifted_limit_never_waits(fake: FakeTime) -> None:
    limiter = FifoRateLimiter(
        0, group_max_rate=0, max_retries=3, clock=fake.clock, sleep=fake.sleep
    )
    calls: list[tuple[Any, float]] = []
    jobs = [_request(fake, limiter, 0.0, {"chat_id": i % 7 - 3}, calls) for i in range(500)]
    await fake.run(*jobs)
    assert len(calls) == 500 and all(at == 0.0 for _, at in calls)
    assert fake.sleeps == [0.0] * 500  # only _request's own arrival sleeps


@pytest.mark.parametrize("rate", [30, 0])
async def test_429_is_waited_out_and_retried(fake: FakeTime, rate: float) -> None:
    limiter = FifoRateLimiter(rate, max_retries=3, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    first = _request(fake, limiter, 0.0, {"chat_id": 1}, calls, retry_afters=2)
    later = _request(fake, limiter, 0.5, {"chat_id": 2}, calls)  # arrives during the pause
    assert await fake.run(first, later) == [True, True]
    # Each 429 holds back every request for its wait + 0.1 s, the one arriving meanwhile too.
    assert [chat for chat, _ in calls] == [1, 1, 1, 2]
    assert [at for _, at in calls] == pytest.approx([0.0, 1.1, 2.2, 2.2])


async def test_429_gives_up_after_max_retries(fake: FakeTime) -> None:
    limiter = FifoRateLimiter(30, max_retries=1, clock=fake.clock, sleep=fake.sleep)
    calls: list[tuple[Any, float]] = []
    with pytest.raises(RetryAfter):
        await fake.run(_request(fake, limiter, 0.0, {"chat_id": 1}, calls, retry_afters=5))
    assert len(calls) == 2
    calls.clear()  # a call's own rate_limit_args overrides max_retries, as in PTB
    job = _request(fake, limiter, 0.0, {"chat_id": 1}, calls, retry_afters=3, rate_limit_args=3)
    assert await fake.run(job) == [True]
    assert len(calls) == 4


async def test_cancelled_waiters_do_not_hold_back_later_requests(fake: FakeTime) -> None:
    window = FifoWindow(1, 1, fake.clock, fake.sleep)
    arrivals: list[str] = []
    grants: list[tuple[str, float]] = []
    first = asyncio.ensure_future(_arrive(fake, 0.0, "A", window, arrivals, grants))
    queued = [
        asyncio.ensure_future(_arrive(fake, 0.0, f"q{i}", window, arrivals, grants))
        for i in range(100)
    ]
    await fake.drive([first, *queued], until=0.5)
    assert grants == [("A", 0.0)]
    for task in queued:  # the head (asleep until 1.0) and everyone behind it
        task.cancel()
    late: list[Coroutine[Any, Any, None]] = [
        _arrive(fake, 0.1, "late", window, arrivals, grants),  # at 0.6 (sleeps are relative)
        _arrive(fake, 0.2, "later", window, arrivals, grants),  # at 0.7
    ]
    await fake.run(*late)
    assert all(t.cancelled() for t in queued)
    assert grants == [("A", 0.0), ("late", 1.0), ("later", 2.0)]


async def test_cancelling_one_in_the_middle_keeps_the_line_moving(fake: FakeTime) -> None:
    window = FifoWindow(1, 1, fake.clock, fake.sleep)
    arrivals: list[str] = []
    grants: list[tuple[str, float]] = []
    tasks = [asyncio.ensure_future(_arrive(fake, 0.0, n, window, arrivals, grants)) for n in "ABCD"]
    await fake.drive(tasks, until=0.5)
    tasks[2].cancel()  # C, waiting behind B
    await fake.drive(tasks)
    assert grants == [("A", 0.0), ("B", 1.0), ("D", 2.0)]
