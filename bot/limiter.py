"""A first-come-first-served rate limiter for python-telegram-bot (``BaseRateLimiter``).

It keeps the semantics of PTB's ``AIORateLimiter``: requests with a ``chat_id`` count
toward the overall limit, a negative or ``@name`` chat id is a group that also gets its own
limit (20 a minute), ``allow_paid_broadcast`` requests go through their own 1000/s limit
instead, a 429 ``RetryAfter`` holds back every request for its wait and is retried up to
``max_retries`` times, and a rate of 0 lifts a limit without lifting that retry.

What differs is the order. aiolimiter's leaky bucket wakes a waiter when capacity frees up,
and a newcomer arriving in between may take it first, so under steady load near the cap a
few requests wait seconds. Here a request that cannot go at once joins a line and only the
head of the line waits for capacity: nobody overtakes, so the wait is bounded by the line
ahead of it. Capacity is a sliding window — at most ``n`` grants in any ``window`` seconds
(``n`` = the rate per second, ``window`` = 1 s for a whole rate) — so a burst of up to the
rate goes out at once and no 1-second window ever carries more than the rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import constants
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("clientwise.limiter")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]
JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
# Group windows kept before idle ones are dropped (as PTB's AIORateLimiter does).
MAX_IDLE_GROUPS = 512


class FifoWindow:
    """At most ``n`` grants in any ``window`` seconds, granted in arrival order.

    No lock is held while the caller then makes its request: ``acquire`` only records the
    grant time, so a slow or hung HTTP call delays nobody else."""

    def __init__(self, per_period: float, period: float, clock: Clock, sleep: Sleep) -> None:
        # A fractional rate (12.5/s) becomes 12 per 0.96 s: the same average, whole grants.
        self.n = max(1, math.floor(per_period))
        self.window = period * self.n / per_period
        self._grants: deque[float] = deque(maxlen=self.n)
        self._line: deque[asyncio.Future[None]] = deque()
        self._clock = clock
        self._sleep = sleep

    def _wait(self, now: float) -> float:
        """Seconds until the next grant is allowed (≤ 0: now)."""
        if len(self._grants) < self.n:
            return 0.0
        return self._grants[0] + self.window - now

    def idle(self) -> bool:
        """No one in line and every past grant out of the window: safe to forget."""
        return not self._line and (
            not self._grants or self._grants[-1] + self.window <= self._clock()
        )

    async def acquire(self) -> None:
        if not self._line:
            now = self._clock()
            if self._wait(now) <= 0:
                self._grants.append(now)
                return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._line.append(turn)
        try:
            if self._line[0] is not turn:
                await turn  # set by the one ahead when it leaves the line
            # Only the head waits for capacity, and newcomers queue behind it meanwhile,
            # so capacity freed by the window goes to the head and to no one else.
            while (delay := self._wait(self._clock())) > 0:
                await self._sleep(delay)
            self._grants.append(self._clock())
        finally:
            # Granted or cancelled, leave the line; if this was the head, the next one takes
            # over. A cancelled waiter never recorded a grant, so it takes no capacity.
            head = self._line[0] is turn
            self._line.remove(turn)
            if head and self._line and not self._line[0].done():
                self._line[0].set_result(None)


def _seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds, whichever type PTB returns (int now, timedelta in 23)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)


class FifoRateLimiter(BaseRateLimiter[int]):
    """``AIORateLimiter``'s limits, granted first come, first served.

    ``overall_max_rate`` requests a second across chats (0 lifts it),
    ``group_max_rate`` per ``group_time_period`` seconds in one group or channel (0 lifts
    it), ``max_retries`` retries of a 429 (a call's ``rate_limit_args`` overrides it).
    ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        overall_max_rate: float = constants.FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = constants.FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._overall = FifoWindow(overall_max_rate, 1, clock, sleep) if overall_max_rate else None
        self._group_rate = group_max_rate if group_max_rate and group_time_period else 0
        self._group_period = group_time_period
        self._groups: dict[str | int, FifoWindow] = {}
        self._paid = FifoWindow(constants.FloodLimit.PAID_MESSAGES_PER_SECOND, 1, clock, sleep)
        self._max_retries = max_retries
        self._paused_until = 0.0  # after a 429, nothing goes out before this

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: waiters are cancelled with their tasks."""

    def _group(self, group: str | int) -> FifoWindow:
        if len(self._groups) > MAX_IDLE_GROUPS:
            for key, window in list(self._groups.items()):
                if key != group and window.idle():
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = FifoWindow(
                self._group_rate, self._group_period, self._clock, self._sleep
            )
        return self._groups[group]

    def _windows(self, group: str | int | None, chat: bool, paid: bool) -> list[FifoWindow]:
        """The windows a request passes, group first, as AIORateLimiter nests them."""
        if paid:
            return [self._paid]
        windows: list[FifoWindow] = []
        if group is not None and self._group_rate:
            windows.append(self._group(group))
        if chat and self._overall is not None:
            windows.append(self._overall)
        return windows

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,  # part of the interface; every endpoint is treated alike
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        max_retries = rate_limit_args or self._max_retries
        paid = bool(data.get("allow_paid_broadcast", False))
        chat_id = data.get("chat_id")
        group: str | int | None = None
        if self._group_rate and chat_id is not None:  # lifted: skip the parsing
            with contextlib.suppress(ValueError, TypeError):
                chat_id = int(chat_id)  # an integer id passed as a string
            # A negative id or an @username is a group, supergroup or channel.
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
                group = chat_id
        for attempt in range(max_retries + 1):
            try:
                for window in self._windows(group, chat_id is not None, paid):
                    await window.acquire()
                # Every request waits out a 429 another one hit (as AIORateLimiter does).
                while self._paused_until and (delay := self._paused_until - self._clock()) > 0:
                    await self._sleep(delay)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    log.exception("rate limit hit after %d retries", max_retries)
                    raise
                wait = _seconds(exc) + 0.1
                log.info("rate limit hit, retrying in %.1f s", wait)
                self._paused_until = max(self._paused_until, self._clock() + wait)
                await self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")
