"""Pictures: a result's position on the customer↔client axis, and the staff stats chart.

Drawn with Pillow (import about 0.1 s; see ``bench/picture.py`` for render times);
matplotlib would add tens of megabytes and a second of import for a few bars. The fonts
are Noto Sans and Noto Sans Thai shipped in ``bot/fonts`` (SIL Open Font License,
``bot/fonts/OFL.txt``): every language's labels render, Thai included. Text is drawn in
runs, each in the font that has its script.

Drawing returns an image; encoding is separate. Telegram stores every photo as JPEG
(a PNG is re-encoded on its side), so what goes to Telegram is ``jpeg()``; files saved
for people to open (the terminal chat) are ``png()``. Rendering is CPU work: async
callers run it through ``off_loop`` — one worker thread, so other chats are never held
up and the pictures' memory stays in one allocator arena instead of one per thread.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from PIL import Image, ImageDraw, ImageFont

from knowledge.classifier import Verdict
from knowledge.model import NOT_SURE, Knowledge, pick

FONTS = Path(__file__).parent / "fonts"
WIDTH = 1080  # a phone screen's width in pixels: nothing is scaled down into a blur
MARGIN = 60
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
TRACK = (222, 226, 230)
CUSTOMER = (230, 126, 34)
CLIENT = (41, 128, 185)
HYBRID = (142, 68, 173)
MODEL_COLOURS = {"customer": CUSTOMER, "client": CLIENT, "hybrid": HYBRID}
JPEG_QUALITY = 90  # with no chroma subsampling: coloured text keeps clean edges
# Rendered text runs kept for reuse: labels repeat in every picture of a language, and
# FreeType rendering is most of the drawing time. A run's mask is tens of kilobytes.
TEXT_CACHE_RUNS = 512

T = TypeVar("T")
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="picture")


async def off_loop(draw: Callable[..., T], *args: object) -> T:
    """``draw(*args)`` on the picture thread, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_worker, draw, *args)


@cache
def _font(size: int, bold: bool, thai: bool) -> ImageFont.FreeTypeFont:
    family = "NotoSansThai" if thai else "NotoSans"
    return ImageFont.truetype(str(FONTS / f"{family}-{'Bold' if bold else 'Regular'}.ttf"), size)


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _runs(text: str) -> Iterable[tuple[str, bool]]:
    """Split text into runs of Thai and of everything else (spaces join the run they are in)."""
    run, thai = "", False
    for char in text:
        this = _is_thai(char) if not char.isspace() else thai
        if run and this != thai:
            yield run, thai
            run = ""
        run, thai = run + char, this
    if run:
        yield run, thai


def text_width(text: str, size: int, bold: bool = False) -> float:
    return sum(_run_length(run, size, bold, thai) for run, thai in _runs(text))


@lru_cache(maxsize=TEXT_CACHE_RUNS * 4)  # _fit measures every shortening of a long label
def _run_length(run: str, size: int, bold: bool, thai: bool) -> float:
    return _font(size, bold, thai).getlength(run)


def _fit(text: str, size: int, width: float, bold: bool = False) -> str:
    """Cut with an ellipsis so the text fits ``width`` pixels."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text(
    image: Image.Image,
    xy: tuple[float, float],
    text: str,
    size: int,
    *,
    bold: bool = False,
    fill: tuple[int, int, int] = INK,
    anchor_right: bool = False,
) -> None:
    x, y = xy
    if anchor_right:
        x -= text_width(text, size, bold)
    for run, thai in _runs(text):
        left, top, mask = _run_mask(run, size, bold, thai)
        if mask is not None:
            image.paste(fill, (round(x) + left, round(y) + top), mask)
        x += _run_length(run, size, bold, thai)


@lru_cache(maxsize=TEXT_CACHE_RUNS)
def _run_mask(
    run: str, size: int, bold: bool, thai: bool
) -> tuple[int, int, Image.Image | None]:
    """The run's ink as an 8-bit mask and its offset from the text origin, drawn once
    with ImageDraw (same glyphs and anti-aliasing) and pasted in the ink colour after."""
    font = _font(size, bold, thai)
    left, top, right, bottom = (int(v) for v in font.getbbox(run))
    if right <= left or bottom <= top:
        return 0, 0, None  # only spaces
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), run, font=font, fill=255)
    return left, top, mask


def _axis(
    draw: ImageDraw.ImageDraw, y: float, position: float, height: int, colour: tuple[int, int, int]
) -> None:
    """A track from customers (left) to clients (right) with a marker at ``position`` 0–1."""
    left, right = MARGIN, WIDTH - MARGIN
    draw.rounded_rectangle((left, y, right, y + height), radius=height // 2, fill=TRACK)
    middle = (left + right) / 2
    draw.line((middle, y - 6, middle, y + height + 6), fill=MUTED, width=2)
    x = left + (right - left) * min(1.0, max(0.0, position))
    radius = height
    draw.ellipse(
        (x - radius, y + height / 2 - radius, x + radius, y + height / 2 + radius),
        fill=colour,
        outline=BACKGROUND,
        width=4,
    )


def dimension_leans(kb: Knowledge, answers: dict[str, str]) -> list[tuple[str, float]]:
    """(dimension name id, mean lean −1…+1) for each answered classifying dimension."""
    leans: dict[str, list[float]] = {}
    for qid, oid in answers.items():
        question = kb.questions.get(qid)
        if question is None or oid == NOT_SURE or kb.weight(qid) <= 0:
            continue
        option = kb.option(qid, oid)
        if option is not None and question.dimension:
            leans.setdefault(question.dimension, []).append(option.lean)
    return [(d, sum(v) / len(v)) for d, v in leans.items()]


def png(image: Image.Image) -> bytes:
    """PNG bytes, for files people open: a handful of flat colours plus text edges fit
    a 64-colour palette (fast octree), a third of the bytes to compress; level 1
    compresses several times faster than the default, and flat colours compress well."""
    buffer = io.BytesIO()
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="PNG", compress_level=1
    )
    return buffer.getvalue()


def jpeg(image: Image.Image) -> bytes:
    """JPEG bytes, for Telegram: it would turn a PNG into a JPEG anyway, and encoding
    one takes a quarter of the time of the palette PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def result_image(
    kb: Knowledge, lang: str, verdict: Verdict, answers: dict[str, str]
) -> Image.Image:
    """The owner's result, labelled in ``lang``."""
    rows = dimension_leans(kb, answers)
    height = 330 + 110 * len(rows) + 40
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    colour = MODEL_COLOURS.get(verdict.model, INK)
    headline = pick(kb.models[verdict.model].headline, lang)
    _text(
        image,
        (MARGIN, 40),
        _fit(headline, 56, WIDTH - 2 * MARGIN - 200, True),
        56,
        bold=True,
        fill=colour,
    )
    _text(image, (WIDTH - MARGIN, 48), f"{verdict.score}/100", 48, bold=True, anchor_right=True)
    customers, clients = kb.text("axis_customers", lang), kb.text("axis_clients", lang)
    _text(image, (MARGIN, 140), kb.text("picture_overall", lang), 34, bold=True)
    _axis(draw, 205, verdict.score / 100, 24, colour)
    _text(image, (MARGIN, 250), customers, 30, fill=CUSTOMER)
    _text(image, (WIDTH - MARGIN, 250), clients, 30, fill=CLIENT, anchor_right=True)
    y = 330
    for dimension, lean in rows:
        name = pick(kb.dimensions[dimension].name, lang)
        _text(image, (MARGIN, y), _fit(name, 32, WIDTH - 2 * MARGIN), 32)
        side = CLIENT if lean > 0 else CUSTOMER if lean < 0 else HYBRID
        _axis(draw, y + 58, (lean + 1) / 2, 14, side)
        y += 110
    return image


def bar_chart(title: str, bars: list[tuple[str, int, tuple[int, int, int]]]) -> Image.Image:
    """Horizontal bars with their labels and counts (the staff /stats chart)."""
    height = 150 + 100 * max(1, len(bars)) + 20
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _text(image, (MARGIN, 40), _fit(title, 48, WIDTH - 2 * MARGIN, True), 48, bold=True)
    top = max((count for _, count, _ in bars), default=0) or 1
    label_width = 360
    y = 150
    for label, count, colour in bars:
        _text(image, (MARGIN, y + 10), _fit(label, 32, label_width - 20), 32)
        span = (WIDTH - 2 * MARGIN - label_width - 120) * count / top
        left = MARGIN + label_width
        draw.rounded_rectangle((left, y, left + max(span, 6), y + 60), radius=10, fill=colour)
        _text(image, (left + max(span, 6) + 16, y + 10), str(count), 32, bold=True)
        y += 100
    return image


def stats_chart(kb: Knowledge, lang: str, by_model: dict[str, int]) -> Image.Image:
    bars = [
        (pick(kb.models[m].name, lang), by_model.get(m, 0), MODEL_COLOURS.get(m, INK))
        for m in kb.models
    ]
    return bar_chart(kb.text("stats_chart_title", lang), bars)


def result_jpeg(kb: Knowledge, lang: str, verdict: Verdict, answers: dict[str, str]) -> bytes:
    """The result picture as Telegram gets it."""
    return jpeg(result_image(kb, lang, verdict, answers))


def result_png(kb: Knowledge, lang: str, verdict: Verdict, answers: dict[str, str]) -> bytes:
    """The result picture as a file to open (the terminal chat)."""
    return png(result_image(kb, lang, verdict, answers))


def stats_jpeg(kb: Knowledge, lang: str, by_model: dict[str, int]) -> bytes:
    """The staff /stats chart as Telegram gets it."""
    return jpeg(stats_chart(kb, lang, by_model))
