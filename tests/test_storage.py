"""The SQLite store (bot/storage.py) on its own: migrations and WAL, handled updates,
conversations, users, retention, and two connections writing at once."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.storage import UNREPLIED, UPDATE_RETENTION, Store, migrations
from dialogs.state import DialogState
from tests.test_desk import NOW, _row


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "bot.db")
    yield s
    s.close()


def test_a_new_file_has_every_migrations_columns(store: Store) -> None:
    columns = {name: set(store.db.table(name).columns_dict) for name in store.db.table_names()}
    assert {"delivered_turn", "message_id", "state"} <= columns["conversations"]
    assert {"case_label", "staff_id", "answers", "tactics"} <= columns["results"]
    assert {"update_id", "replied", "received_at"} <= columns["processed_updates"]
    assert {"active", "first_seen", "last_seen"} <= columns["users"]


def test_an_update_goes_from_new_to_pending_to_replied(store: Store) -> None:
    assert store.update_status(5) == "new"
    store.save_step(update_id=5, chat_id=1, user_id=1, state=DialogState(), message_id=None)
    assert store.update_status(5) == "pending"
    assert store.unreplied(3600) == [(5, 1, 1)]
    store.mark_replied(5)
    assert store.update_status(5) == "replied"
    assert store.unreplied(3600) == []


def test_a_saved_conversation_loads_with_what_was_delivered(store: Store) -> None:
    assert store.load(1, 2) is None
    state = DialogState(phase="asking", step="contract", turn=3, lang="ru")
    store.save_step(update_id=1, chat_id=1, user_id=2, state=state, message_id=None)
    store.mark_delivered(1, 2, turn=3, message_id=44)
    loaded = store.load(1, 2)
    assert loaded is not None
    assert loaded.state == state and loaded.message_id == 44 and loaded.delivered_turn == 3
    assert store.load(2, 1) is None  # chat and user are not interchangeable


def test_a_user_who_blocked_the_bot_is_inactive_until_they_write_again(store: Store) -> None:
    assert store.is_active(9)  # never seen: nothing says otherwise
    store.save_step(update_id=1, chat_id=9, user_id=9, state=DialogState(), message_id=None)
    store.mark_inactive(9)
    assert store.is_active(9) is False
    store.save_step(update_id=2, chat_id=9, user_id=9, state=DialogState(), message_id=None)
    assert store.is_active(9)


def test_database_is_wal_and_upgrades_older_files(tmp_path: Path) -> None:

    from bot.storage import Store

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m002_results_by_time")
    db.close()
    store = Store(path)
    indexes = {tuple(i.columns) for i in store.db["results"].indexes}
    assert ("finished_at",) in indexes
    store.close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_processed_update_ids_are_pruned_after_the_retention(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.record_update(1, 10, 10, replied=True)
    store.record_update(2, 10, 10, replied=True)
    store.db.execute(
        "UPDATE processed_updates SET received_at = ? WHERE update_id = 1",
        [time.time() - UPDATE_RETENTION - 60],
    )
    store.db.conn.commit()
    assert store.prune_updates() == 1
    assert store.update_status(1) == "new" and store.update_status(2) == "replied"
    store.close()


def _stale_and_fresh(store: Store, stale: int, fresh: int) -> None:
    old = time.time() - UPDATE_RETENTION - 60
    for n in range(stale + fresh):
        store.record_update(n, 10, 10, replied=True)
    store.db.execute(
        "UPDATE processed_updates SET received_at = ? WHERE update_id < ?", [old, stale]
    )
    store.db.conn.commit()


def test_pruning_goes_in_batches_each_its_own_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backlog (after downtime) never holds the write lock for one long delete."""
    _stale_and_fresh(store, stale=7, fresh=2)
    statements: list[str] = []
    execute = store.db.execute

    def counting_execute(sql: str, *args: object) -> object:
        statements.append(sql)
        return execute(sql, *args)

    monkeypatch.setattr(store.db, "execute", counting_execute)
    assert store.prune_updates_batch(limit=3) == 3
    assert store.prune_updates(limit=3) == 4  # 3, then 1
    assert statements.count("BEGIN IMMEDIATE") == 3
    remaining = [r[0] for r in store.db.execute("SELECT update_id FROM processed_updates")]
    assert sorted(remaining) == [7, 8]


def test_pruning_finds_stale_records_through_the_received_at_index(store: Store) -> None:
    plan = " | ".join(
        row[-1]
        for row in store.db.execute(
            "EXPLAIN QUERY PLAN DELETE FROM processed_updates WHERE rowid IN "
            "(SELECT rowid FROM processed_updates WHERE received_at < ? LIMIT ?)",
            [0, 1],
        )
    )
    assert "INDEX idx_processed_updates_received_at (received_at<?)" in plan, plan
    assert "SCAN" not in plan, plan


def test_crash_recovery_finds_unreplied_steps_through_the_received_at_index(
    store: Store,
) -> None:
    # Start-up runs it before polling: no scan of every handled-update record.
    plan = " | ".join(row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {UNREPLIED}", [0]))
    assert "INDEX idx_processed_updates_received_at (received_at>?)" in plan, plan
    assert "SCAN" not in plan, plan


def test_unreplied_steps_come_in_update_order(store: Store) -> None:
    for update_id in (9, 3, 5):  # received in this order
        state = DialogState()
        store.save_step(
            update_id=update_id, chat_id=update_id, user_id=update_id, state=state, message_id=None
        )
    assert [u for u, _, _ in store.unreplied(3600)] == [3, 5, 9]


def test_retention_deletes_exactly_the_rows_older_than_the_limit(store: Store) -> None:
    for n, days in enumerate([0, 29.9, 30.1, 365]):
        store.db["results"].insert(_row(days, user_id=n))
    store.db["conversations"].insert(
        {"chat_id": 5, "user_id": 5, "state": "{}", "updated_at": _row(40)["finished_at"]}
    )
    store.db["conversations"].insert(
        {"chat_id": 6, "user_id": 6, "state": "{}", "updated_at": _row(1)["finished_at"]}
    )
    assert store.prune_results(30, now=NOW) == 2
    assert sorted(r["user_id"] for r in store.iter_results()) == [0, 1]
    assert [r["user_id"] for r in store.db["conversations"].rows] == [6]


def test_replied_updates_keep_no_user_or_chat_id(store: Store) -> None:
    store.record_update(1, chat_id=77, user_id=77, replied=True)
    store.save_step(update_id=2, chat_id=78, user_id=78, state=DialogState(), message_id=None)
    assert store.unreplied(3600) == [(2, 78, 78)]  # still needed for crash recovery
    store.mark_replied(2)
    rows = list(store.db["processed_updates"].rows)
    assert [(r["chat_id"], r["user_id"]) for r in rows] == [(None, None), (None, None)]


def test_two_connections_writing_at_once_wait_for_each_other(tmp_path: Path) -> None:
    """A staff export or a stray process on the same file: no "database is locked"."""
    db = tmp_path / "bot.db"
    Store(db).close()
    errors: list[Exception] = []
    start = threading.Barrier(2)

    def writer(first_update: int) -> None:
        store = Store(db)  # its own connection, as another process would have
        start.wait()
        try:
            for i in range(200):
                state = DialogState(phase="asking", step="business", turn=i)
                store.save_step(
                    update_id=first_update + i, chat_id=7, user_id=7, state=state, message_id=i
                )
                store.mark_delivered(7, 7, i, i)  # reads, then writes, in one transaction
        except sqlite3.OperationalError as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (10_000, 20_000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = Store(db)
    assert len(list(store.db["processed_updates"].rows)) == 400
    store.close()
