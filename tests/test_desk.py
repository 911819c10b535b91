"""The staff desk without Telegram: the retention setting, streaming export, the command
line, the pictures (every language), and what INFO logs leave out. The store's own
retention and privacy rules are in test_storage.py."""

from __future__ import annotations

import csv
import inspect
import io
import json
import logging
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bot import cli, desk
from bot.picture import WIDTH, _text, result_jpeg, result_png, stats_jpeg
from bot.storage import ResultRow, Store
from dialogs.engine import Engine
from knowledge.classifier import classify
from knowledge.model import Knowledge, pick

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _row(days_ago: float, **values: object) -> dict:
    base = ResultRow(
        chat_id=1,
        user_id=1,
        finished_at=(NOW - timedelta(days=days_ago)).isoformat(timespec="seconds"),
        lang="en",
        business="bakery",
        model="customer",
        score=20,
        confidence=60,
        confidence_label="medium",
        answers=json.dumps({"contract": "no", "exclusivity": "not_sure"}),
        tactics=json.dumps(["loyalty_card"]),
    ).model_dump()
    return {**base, **values}


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "desk.db")
    yield s
    s.close()


# --- retention -----------------------------------------------------------------------------


def test_retention_days_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("CLIENTWISE_RETENTION_DAYS", "90")
    assert load_settings().retention_days == 90
    monkeypatch.setenv("CLIENTWISE_RETENTION_DAYS", "0")
    with pytest.raises(ConfigError, match="CLIENTWISE_RETENTION_DAYS"):
        load_settings()


# --- export ----------------------------------------------------------------------------------


def test_export_streams_rows_instead_of_loading_the_table(store: Store, kb: Knowledge) -> None:
    store.db["results"].insert_all(
        (_row(1, business="пекарня " * 20, user_id=n) for n in range(20_000)), batch_size=1000
    )
    rows = desk.export_rows(store, kb)
    assert inspect.isgenerator(rows)
    assert inspect.isgenerator(store.iter_results())

    def peak(work) -> int:
        tracemalloc.start()
        try:
            work()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    streamed = peak(lambda: desk.write_csv(desk.export_rows(store, kb), io.StringIO()))
    buffer = io.StringIO()
    desk.write_csv(desk.export_rows(store, kb), buffer)
    size = len(buffer.getvalue())
    # Streaming keeps only the output and a row or so in memory; materialising every row
    # first (what a non-streaming export does) costs several times the output on top.
    materialised = peak(lambda: desk.write_csv(list(desk.export_rows(store, kb)), io.StringIO()))
    assert materialised - streamed > 2 * size


def test_export_command_line_writes_the_same_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    store = Store(path)
    store.db["results"].insert(_row(1, business="ร้านเบเกอรี่", lang="th"))
    store.db["results"].insert(_row(400, business="old"))
    store.close()
    monkeypatch.setenv("CLIENTWISE_DB", str(path))
    assert cli.main(["export", "--since", (NOW - timedelta(days=30)).date().isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert row["business"] == "ร้านเบเกอรี่" and row["contract"] == "no"
    assert cli.main(["export", "--since", "yesterday"]) == 2


def test_stats_recent_case_and_cases_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    store = Store(path)
    store.db["results"].insert(_row(1))
    store.db["results"].insert(
        _row(2, model="client", score=80, case_label="Ticket 9", staff_id=9, user_id=None)
    )
    store.close()
    monkeypatch.setenv("CLIENTWISE_DB", str(path))
    assert cli.main(["stats", "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["count"] == 2 and numbers["cases"] == 1
    assert numbers["by_model"] == {"customer": 1, "client": 1}
    assert numbers["top_not_sure"] == {"exclusivity": 2}
    assert numbers["average_confidence"] == 60
    assert cli.main(["stats", "--lang", "ru"]) == 0
    assert "Результатов с начала: 2" in capsys.readouterr().out
    assert cli.main(["recent", "--limit", "1"]) == 0
    assert capsys.readouterr().out.count("#") == 1
    assert cli.main(["case", "--json", "Ticket 9"]) == 0
    case = json.loads(capsys.readouterr().out)
    assert case["label"] == "Ticket 9" and case["summary"].startswith("Case: Ticket 9")
    assert cli.main(["cases", "--json"]) == 0
    assert [c["label"] for c in json.loads(capsys.readouterr().out)] == ["Ticket 9"]
    assert cli.main(["case", "nothing-like-it"]) == 2


# --- pictures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "id", "th", "tr", "ru", "ro"])
def test_the_result_picture_renders_in_every_language(kb: Knowledge, lang: str) -> None:
    answers = {q.id: q.options[0].id for q in kb.questions.values() if q.kind != "text"}
    png = result_png(kb, lang, classify(kb, answers), answers)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == WIDTH and image.height > 600
    # Not blank: many distinct colours (text edges, bars), and dark ink somewhere.
    rgb = image.convert("RGB")
    assert len(rgb.getcolors(maxcolors=1 << 16) or []) > 10
    assert min(ImageStat.Stat(rgb.convert("L")).extrema[0]) < 80


def test_thai_text_is_drawn_with_a_font_that_has_it() -> None:
    # A missing glyph draws the same empty box for every letter: two different Thai
    # labels must differ in ink, and both must have some.
    from bot.picture import _font

    font = _font(32, False, True)
    a, b = font.getmask("ลูกค้า"), font.getmask("ผู้ว่าจ้าง")
    assert a.getbbox() and b.getbbox() and a.size != b.size


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_result_goes_to_telegram_as_a_jpeg_of_the_same_picture(
    kb: Knowledge, lang: str
) -> None:
    answers = {q.id: q.options[-1].id for q in kb.questions.values() if q.kind != "text"}
    verdict = classify(kb, answers)
    sent = Image.open(io.BytesIO(result_jpeg(kb, lang, verdict, answers)))
    saved = Image.open(io.BytesIO(result_png(kb, lang, verdict, answers))).convert("RGB")
    assert sent.format == "JPEG" and sent.size == saved.size
    # Lossy, but the same drawing: on average within a few levels of the lossless file.
    difference = ImageStat.Stat(ImageChops.difference(sent.convert("RGB"), saved)).mean
    assert max(difference) < 4, difference


@pytest.mark.parametrize("text", ["Customer-based", "ลูกค้าองค์กร", "Müşteri  ve danışan", "42/100"])
def test_reused_text_is_drawn_as_imagedraw_draws_it(text: str) -> None:
    # Text runs are rendered once and pasted from a cache; the pixels must be those of
    # ImageDraw.text at the same place (a rounding of the origin at most).
    from PIL import ImageDraw

    from bot.picture import _font, _runs

    _text(Image.new("RGB", (900, 120), "white"), (20, 30), text, 40)  # fills the cache
    cached = Image.new("RGB", (900, 120), "white")
    _text(cached, (20, 30), text, 40, fill=(41, 128, 185))
    direct = Image.new("RGB", (900, 120), "white")
    draw, x = ImageDraw.Draw(direct), 20.0
    for run, thai in _runs(text):
        draw.text((x, 30), run, font=_font(40, False, thai), fill=(41, 128, 185))
        x += _font(40, False, thai).getlength(run)
    assert direct.getbbox() is not None and ImageChops.invert(direct).getbbox() is not None
    # Blending the ink by a mask may round a level differently from ImageDraw.
    assert max(hi for _, hi in ImageChops.difference(cached, direct).getextrema()) <= 2


def test_the_stats_chart_renders(kb: Knowledge) -> None:
    image = Image.open(io.BytesIO(stats_jpeg(kb, "ru", {"client": 3, "customer": 1})))
    assert image.format == "JPEG" and image.width == WIDTH
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or []) > 10


def test_the_terminal_saves_the_picture_and_prints_its_path(engine: Engine, tmp_path: Path) -> None:
    from bot.terminal import TerminalChat

    answers = ["1", "law firm", *["1"] * 11]
    out = io.StringIO()
    chat = TerminalChat(engine, "ru", io.StringIO("\n".join(answers) + "\n"), out)
    chat.pictures = tmp_path
    assert chat.run() == 0
    (png,) = tmp_path.glob("*.png")
    assert f"Картинка с вашим результатом: {png}" in out.getvalue()
    assert Image.open(png).format == "PNG"


# --- logs ----------------------------------------------------------------------------------------


async def test_info_logs_carry_no_text_a_user_typed(tg, caplog: pytest.LogCaptureFixture) -> None:
    from tests.telegram_harness import ANA

    caplog.set_level(logging.INFO)
    await tg.settle(tg.fake.send_text(ANA, "/start secretpayload42"))
    await tg.settle(tg.fake.send_text(ANA, "secret words typed 42"))
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info and not any("secret" in line for line in info)


async def test_the_retention_sweep_runs_at_once_and_keeps_running(
    store: Store, kb: Knowledge
) -> None:
    import asyncio
    from types import SimpleNamespace

    from bot.staff import StaffDesk

    for days in (100, 1):
        when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        store.db["results"].insert(_row(0, finished_at=when))
    sweeper = StaffDesk(SimpleNamespace(kb=kb, store=store), frozenset(), 30)  # type: ignore[arg-type]
    task = asyncio.create_task(sweeper._retention_loop())
    for _ in range(100):
        await asyncio.sleep(0.01)
        if len(list(store.iter_results())) == 1:
            break
    assert not task.done()  # waiting for tomorrow's sweep
    task.cancel()
    assert len(list(store.iter_results())) == 1


def test_stats_name_the_top_tactics_and_the_questions_left_unsure(
    store: Store, kb: Knowledge
) -> None:
    store.db["results"].insert_all(
        [
            _row(1, tactics=json.dumps(["loyalty_programme", "gone_from_the_files"])),
            _row(2, tactics=json.dumps(["loyalty_programme"])),
        ]
    )
    text = desk.stats_text(kb, desk.stats(store), "en")
    loyalty = pick(kb.tactics_by_id["loyalty_programme"].title, "en")
    assert f"{loyalty} (2)" in text
    assert f"{pick(kb.questions['exclusivity'].text, 'en')} (2)" in text
    assert "gone_from_the_files" not in text
