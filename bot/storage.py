"""Durable state in one SQLite file, through sqlite-utils.

Tables (created and upgraded by the migrations below, sqlite-utils' own ``Migrations``):

* ``conversations`` — one row per (chat, user): the dialog state as JSON, the id of the
  message that shows the current question, the language.
* ``users`` — one row per Telegram user: language, active flag (false once they block
  the bot), first/last seen.
* ``results`` — every finished questionnaire: answers, model, score, confidence, tactics;
  a staff case also its ``case_label`` and the ``staff_id`` who took it (``user_id`` is
  then the caller, when known, else empty).
* ``processed_updates`` — each Telegram ``update_id`` handled, whether its replies went
  out, and when; kept at least ``UPDATE_RETENTION`` so redeliveries are recognised. The
  chat and user ids are kept only while the replies are outstanding (crash recovery
  needs them); a replied update keeps its id alone.

Privacy: the connection runs with ``secure_delete`` on, and ``forget`` checkpoints the
WAL afterwards, so deleted text is overwritten in the file instead of lingering in free
pages or in the write-ahead log. ``prune_results`` applies CLIENTWISE_RETENTION_DAYS.

The file runs in WAL mode with ``synchronous=NORMAL``: a killed process never loses a
committed step. Writes of one update go in one transaction, begun with ``BEGIN IMMEDIATE``:
the write lock is taken up front, so a second connection (a staff export, a stray second
bot) waits up to ``BUSY_TIMEOUT_MS`` instead of failing half-way with "database is locked"
as a deferred ``BEGIN`` that upgrades from reading to writing does. Before each write the
path is checked to still name the open file: a database deleted or replaced while the bot
runs raises ``DatabaseGone`` rather than sending answers into an unlinked file. Calls are
synchronous and take well under a millisecond, so handlers call them directly.

The calls made for every update (``update_status``, ``load``, ``save_step``,
``mark_sent``, ``record_update``) use plain SQL on the connection: sqlite-utils' table
helpers read the table's schema (``PRAGMA table_info``, ``sqlite_master``) on every call,
which was most of the storage cost per update. Migrations and the rarer calls keep them.

``hold_bot_lock`` keeps a second bot process off the same file (an OS lock on
``<database>.lock`` held for the life of the process).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel
from sqlite_utils import Database, Migrations

from dialogs.render import Outcome
from dialogs.state import DialogState

# Telegram keeps undelivered updates for 24 h; remember handled ids a little longer.
UPDATE_RETENTION = 26 * 3600
BUSY_TIMEOUT_MS = 5000
# Where an update stands: not seen, stored but its replies maybe not sent, fully handled.
UpdateStatus = Literal["new", "pending", "replied"]
# Handled-update records deleted per transaction: a long backlog (after downtime) goes in
# short transactions, so the write lock is never held for long.
PRUNE_BATCH = 5000

migrations = Migrations("clientwise")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("conversations").create(
        {
            "chat_id": int,
            "user_id": int,
            "state": str,
            "lang": str,
            "message_id": int,
            "updated_at": str,
        },
        pk=("chat_id", "user_id"),
        not_null={"state"},
    )
    db.table("users").create(
        {"user_id": int, "lang": str, "active": int, "first_seen": str, "last_seen": str},
        pk="user_id",
        defaults={"active": 1},
    )
    db.table("results").create(
        {
            "id": int,
            "chat_id": int,
            "user_id": int,
            "finished_at": str,
            "lang": str,
            "business": str,
            "model": str,
            "score": int,
            "confidence": int,
            "confidence_label": str,
            "answers": str,
            "tactics": str,
        },
        pk="id",
    )
    db.table("results").create_index(["user_id"])
    db.table("processed_updates").create(
        {"update_id": int, "chat_id": int, "user_id": int, "received_at": float, "replied": int},
        pk="update_id",
        defaults={"replied": 0},
    )
    db.table("processed_updates").create_index(["received_at"])


@migrations()
def m002_results_by_time(db: Database) -> None:
    # Staff statistics and exports read results by date.
    db.table("results").create_index(["finished_at"])


@migrations()
def m003_delivered_turn(db: Database) -> None:
    # The turn whose replies reached the user: text typed while it lags behind the state
    # was meant for an older question (the newer one never arrived).
    db.table("conversations").add_column("delivered_turn", int)


@migrations()
def m004_cases(db: Database) -> None:
    # Staff cases: the label typed with /case and the staff member who took it.
    db.table("results").add_column("case_label", str)
    db.table("results").add_column("staff_id", int)
    db.table("results").create_index(["staff_id"])


class StoredConversation(BaseModel):
    state: DialogState
    message_id: int | None = None
    delivered_turn: int | None = None


class ResultRow(BaseModel):
    chat_id: int | None
    user_id: int | None
    finished_at: str
    lang: str
    business: str | None
    model: str
    score: int
    confidence: int
    confidence_label: str
    answers: str
    tactics: str
    case_label: str | None = None
    staff_id: int | None = None

    @classmethod
    def from_outcome(cls, chat_id: int, user_id: int, lang: str, outcome: Outcome) -> ResultRow:
        v = outcome.verdict
        return cls(
            chat_id=chat_id,
            user_id=user_id,
            finished_at=_now(),
            lang=lang,
            business=outcome.business,
            model=v.model,
            score=v.score,
            confidence=v.confidence,
            confidence_label=v.confidence_label,
            answers=json.dumps(outcome.answers, ensure_ascii=False),
            tactics=json.dumps([t.id for t in outcome.plan.tactics]),
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreError(Exception):
    """The database file cannot be used; the message names CLIENTWISE_DB and the path."""


class DatabaseGone(StoreError):
    """The file was deleted or replaced under the running bot."""


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def hold_bot_lock(path: Path | str) -> IO[str]:
    """Take the one-bot-per-database lock; keep the returned file open while running.

    ``flock`` is released by the OS when the process ends, however it ends, so a killed
    bot never leaves a stale lock behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path.with_name(path.name + ".lock"), "a+")  # noqa: SIM115 (held open)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise StoreError(
            f"CLIENTWISE_DB={path} is in use by another running bot (pid {holder}); "
            "stop that one or give this one its own CLIENTWISE_DB"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


# Start-up's crash recovery (before polling): found through the ``received_at`` index.
# Sorted in Python, not by ORDER BY update_id, which made SQLite scan the whole table in
# rowid order instead (50 ms before the first reply with 600,000 records).
UNREPLIED = (
    "SELECT update_id, chat_id, user_id FROM processed_updates "
    "WHERE replied = 0 AND received_at >= ? AND user_id IS NOT NULL"
)


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.gone: DatabaseGone | None = None  # set once a write found the file gone
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # Deleted rows are zeroed on disk, not left readable in free pages.
            self.db.execute("PRAGMA secure_delete=ON")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as exc:
            # e.g. "file is not a database": say which setting points at the bad file.
            raise StoreError(
                f"CLIENTWISE_DB={self.path}: cannot use it as the database: {exc}"
            ) from exc
        self._identity = _file_id(self.path)

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: the file is still ours, and the write lock is taken first."""
        if self.db.conn.in_transaction:  # nested: part of the enclosing transaction
            yield
            return
        if _file_id(self.path) != self._identity:
            self.gone = DatabaseGone(
                f"CLIENTWISE_DB={self.path} was deleted or replaced while the bot was running; "
                "stopped so that no answer is written to a file nobody will read"
            )
            raise DatabaseGone(*self.gone.args)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.execute("COMMIT")

    # --- updates seen -------------------------------------------------------------------

    def update_status(self, update_id: int) -> UpdateStatus:
        """'new', 'replied' (fully handled) or 'pending' (stored, replies may be missing)."""
        row = self.db.conn.execute(
            "SELECT replied FROM processed_updates WHERE update_id = ?", [update_id]
        ).fetchone()
        if row is None:
            return "new"
        return "replied" if row[0] else "pending"

    def mark_replied(self, update_id: int) -> None:
        # Once answered, who sent it no longer matters: only the id is kept (for
        # recognising redeliveries), so no user id stays here for 26 hours.
        with self._write():
            self._replied(update_id)

    def _replied(self, update_id: int) -> None:
        self.db.conn.execute(
            "UPDATE processed_updates SET replied = 1, chat_id = NULL, user_id = NULL "
            "WHERE update_id = ?",
            [update_id],
        )

    def record_update(
        self, update_id: int, chat_id: int | None, user_id: int | None, replied: bool
    ) -> None:
        """For updates that change no state (ignored input, hints)."""
        with self._write():
            # Ids only while replies are outstanding (see mark_replied).
            self._record(
                update_id, None if replied else chat_id, None if replied else user_id, replied
            )

    def _record(
        self, update_id: int, chat_id: int | None, user_id: int | None, replied: bool
    ) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO processed_updates "
            "(update_id, chat_id, user_id, received_at, replied) VALUES (?, ?, ?, ?, ?)",
            [update_id, chat_id, user_id, time.time(), int(replied)],
        )

    def unreplied(self, within_seconds: float) -> list[tuple[int, int, int]]:
        """(update id, chat id, user id) of recent steps stored but never answered."""
        cutoff = time.time() - within_seconds
        rows = self.db.execute(UNREPLIED, [cutoff]).fetchall()
        return sorted((u, c, usr) for u, c, usr in rows)  # in update order

    def prune_updates_batch(self, now: float | None = None, limit: int = PRUNE_BATCH) -> int:
        """Delete at most ``limit`` records older than the retention, in one short
        transaction (found through the ``received_at`` index); returns how many went."""
        cutoff = (now or time.time()) - UPDATE_RETENTION
        with self._write():
            cursor = self.db.conn.execute(
                "DELETE FROM processed_updates WHERE rowid IN (SELECT rowid FROM "
                "processed_updates WHERE received_at < ? LIMIT ?)",
                [cutoff, limit],
            )
        return cursor.rowcount

    def prune_updates(self, now: float | None = None, limit: int = PRUNE_BATCH) -> int:
        """Delete every record older than the retention, a batch per transaction."""
        now = now or time.time()
        total = 0
        while (deleted := self.prune_updates_batch(now, limit)) > 0:
            total += deleted
            if deleted < limit:
                break
        return total

    # --- conversations --------------------------------------------------------------------

    def load(self, chat_id: int, user_id: int) -> StoredConversation | None:
        row = self.db.conn.execute(
            "SELECT state, message_id, delivered_turn FROM conversations "
            "WHERE chat_id = ? AND user_id = ?",
            [chat_id, user_id],
        ).fetchone()
        if row is None:
            return None
        return StoredConversation(
            state=DialogState.model_validate_json(row[0]), message_id=row[1], delivered_turn=row[2]
        )

    def save_step(
        self,
        *,
        update_id: int,
        chat_id: int,
        user_id: int,
        state: DialogState,
        message_id: int | None,
        result: ResultRow | None = None,
    ) -> None:
        """Everything one update changed, in one transaction."""
        now = _now()
        with self._write():
            # An upsert that leaves the other columns (delivered_turn) as they are.
            self.db.conn.execute(
                "INSERT INTO conversations (chat_id, user_id, state, lang, message_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, user_id) DO UPDATE SET "
                "state = excluded.state, lang = excluded.lang, message_id = excluded.message_id, "
                "updated_at = excluded.updated_at",
                [chat_id, user_id, state.model_dump_json(), state.lang, message_id, now],
            )
            self._touch_user(user_id, state.lang, now)
            if result is not None:
                if state.case_label is not None:
                    # A staff case: the result is the caller's, taken by this staff member.
                    result = result.model_copy(
                        update={
                            "case_label": state.case_label,
                            "staff_id": user_id,
                            "user_id": state.case_subject,
                        }
                    )
                self.db.table("results").insert(result.model_dump())  # once per questionnaire
            self._record(update_id, chat_id, user_id, replied=False)

    def mark_delivered(self, chat_id: int, user_id: int, turn: int, message_id: int | None) -> None:
        """The replies of ``turn`` reached the user (and which message shows the question)."""
        with self._write():
            self._delivered(chat_id, user_id, turn, message_id)

    def mark_sent(
        self, update_id: int, chat_id: int, user_id: int, turn: int, message_id: int | None
    ) -> None:
        """``mark_delivered`` and ``mark_replied`` of one update, in one transaction."""
        with self._write():
            self._delivered(chat_id, user_id, turn, message_id)
            self._replied(update_id)

    def _delivered(self, chat_id: int, user_id: int, turn: int, message_id: int | None) -> None:
        # No row (forgotten meanwhile): the UPDATE changes nothing, as it should.
        self.db.conn.execute(
            "UPDATE conversations SET delivered_turn = ?, message_id = COALESCE(?, message_id) "
            "WHERE chat_id = ? AND user_id = ?",
            [turn, message_id, chat_id, user_id],
        )

    # --- users -----------------------------------------------------------------------------

    def _touch_user(self, user_id: int, lang: str, now: str) -> None:
        self.db.conn.execute(
            "INSERT INTO users (user_id, lang, active, first_seen, last_seen) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "lang = excluded.lang, active = 1, last_seen = excluded.last_seen",
            [user_id, lang, now, now],
        )

    def mark_inactive(self, user_id: int) -> None:
        """The user blocked the bot: stop writing to them, keep their data."""
        with self._write():
            if list(self.db.table("users").rows_where("user_id = ?", [user_id])):
                self.db.table("users").update(user_id, {"active": 0})

    def is_active(self, user_id: int) -> bool:
        rows = list(self.db.table("users").rows_where("user_id = ?", [user_id]))
        return bool(rows[0]["active"]) if rows else True

    def forget(self, user_id: int) -> None:
        """Delete everything stored about a user (their /forget request): their
        conversations, results and cases where they were the caller, their user row and
        handled-update records; cases they took as staff stay, without their id."""
        with self._write():
            # A private chat's id is the user's id.
            self.db.execute(
                "DELETE FROM conversations WHERE user_id = ? OR chat_id = ?", [user_id, user_id]
            )
            self.db.execute(
                "DELETE FROM results WHERE user_id = ? OR (chat_id = ? AND staff_id IS NULL)",
                [user_id, user_id],
            )
            self.db.execute("UPDATE results SET staff_id = NULL WHERE staff_id = ?", [user_id])
            self.db.execute("UPDATE results SET chat_id = NULL WHERE chat_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE user_id = ?", [user_id])
            self.db.execute(
                "DELETE FROM processed_updates WHERE user_id = ? OR chat_id = ?",
                [user_id, user_id],
            )
        self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it, so deleted text does not
        linger in the log (secure_delete already zeroes it in the file)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def prune_results(self, days: int, now: datetime | None = None) -> int:
        """Delete results finished more than ``days`` ago, and conversations idle that
        long (CLIENTWISE_RETENTION_DAYS); returns how many results went."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(
            timespec="seconds"
        )
        with self._write():
            deleted = self.db.execute(
                "DELETE FROM results WHERE finished_at < ?", [cutoff]
            ).rowcount
            self.db.execute("DELETE FROM conversations WHERE updated_at < ?", [cutoff])
        self.checkpoint()
        return deleted

    # --- reading results (bot/desk.py) -------------------------------------------------

    def results_for(self, user_id: int) -> list[dict[str, Any]]:
        return list(self.db.table("results").rows_where("user_id = ?", [user_id], order_by="id"))

    def iter_results(
        self, since: str | None = None, *, cases_only: bool = False, newest_first: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Results finished at or after ``since`` (ISO date), one row at a time: the
        cursor is read as it is consumed, so a large table never sits in memory."""
        where, params = ["1 = 1"], []
        if since:
            where.append("finished_at >= ?")
            params.append(since)
        if cases_only:
            where.append("case_label IS NOT NULL")
        order = "id DESC" if newest_first else "id"
        yield from self.db.query(
            f"SELECT * FROM results WHERE {' AND '.join(where)} ORDER BY {order}", params
        )

    def result(self, result_id: int) -> dict[str, Any] | None:
        rows = list(self.db.table("results").rows_where("id = ?", [result_id]))
        return rows[0] if rows else None

    def latest_case(self, label: str) -> dict[str, Any] | None:
        rows = list(
            self.db.table("results").rows_where(
                "case_label = ?", [label], order_by="id DESC", limit=1
            )
        )
        return rows[0] if rows else None
