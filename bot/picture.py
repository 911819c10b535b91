"""Pictures: a result's position on the customer↔client axis, and the staff stats chart.

Drawn with Pillow (import about 0.1 s, a result in a few milliseconds — see
``bench/picture.py``); matplotlib would add tens of megabytes and a second of import for
a few bars. The fonts are Noto Sans and Noto Sans Thai shipped in ``bot/fonts`` (SIL
Open Font License, ``bot/fonts/OFL.txt``): every language's labels render, Thai included.
Text is drawn in runs, each in the font that has its script. Rendering is CPU work:
async callers run it with ``asyncio.to_thread`` so other chats are never held up.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path

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
    return sum(_font(size, bold, thai).getlength(run) for run, thai in _runs(text))


def _fit(text: str, size: int, width: float, bold: bool = False) -> str:
    """Cut with an ellipsis so the text fits ``width`` pixels."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text(
    draw: ImageDraw.ImageDraw,
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
        font = _font(size, bold, thai)
        draw.text((x, y), run, font=font, fill=fill)
        x += font.getlength(run)


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


def _png(image: Image.Image) -> bytes:
    """PNG bytes, fast: a handful of flat colours plus text edges fit a 64-colour
    palette (fast octree), a third of the bytes to compress; level 1 compresses several
    times faster than the default and flat colours compress well at any level."""
    buffer = io.BytesIO()
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(
        buffer, format="PNG", compress_level=1
    )
    return buffer.getvalue()


def result_png(kb: Knowledge, lang: str, verdict: Verdict, answers: dict[str, str]) -> bytes:
    """The owner's result as a PNG, labelled in ``lang``."""
    rows = dimension_leans(kb, answers)
    height = 330 + 110 * len(rows) + 40
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    colour = MODEL_COLOURS.get(verdict.model, INK)
    headline = pick(kb.models[verdict.model].headline, lang)
    _text(
        draw,
        (MARGIN, 40),
        _fit(headline, 56, WIDTH - 2 * MARGIN - 200, True),
        56,
        bold=True,
        fill=colour,
    )
    _text(draw, (WIDTH - MARGIN, 48), f"{verdict.score}/100", 48, bold=True, anchor_right=True)
    customers, clients = kb.text("axis_customers", lang), kb.text("axis_clients", lang)
    _text(draw, (MARGIN, 140), kb.text("picture_overall", lang), 34, bold=True)
    _axis(draw, 205, verdict.score / 100, 24, colour)
    _text(draw, (MARGIN, 250), customers, 30, fill=CUSTOMER)
    _text(draw, (WIDTH - MARGIN, 250), clients, 30, fill=CLIENT, anchor_right=True)
    y = 330
    for dimension, lean in rows:
        name = pick(kb.dimensions[dimension].name, lang)
        _text(draw, (MARGIN, y), _fit(name, 32, WIDTH - 2 * MARGIN), 32)
        side = CLIENT if lean > 0 else CUSTOMER if lean < 0 else HYBRID
        _axis(draw, y + 58, (lean + 1) / 2, 14, side)
        y += 110
    return _png(image)


def bar_chart_png(title: str, bars: list[tuple[str, int, tuple[int, int, int]]]) -> bytes:
    """Horizontal bars with their labels and counts (the staff /stats chart)."""
    height = 150 + 100 * max(1, len(bars)) + 20
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _text(draw, (MARGIN, 40), _fit(title, 48, WIDTH - 2 * MARGIN, True), 48, bold=True)
    top = max((count for _, count, _ in bars), default=0) or 1
    label_width = 360
    y = 150
    for label, count, colour in bars:
        _text(draw, (MARGIN, y + 10), _fit(label, 32, label_width - 20), 32)
        span = (WIDTH - 2 * MARGIN - label_width - 120) * count / top
        left = MARGIN + label_width
        draw.rounded_rectangle((left, y, left + max(span, 6), y + 60), radius=10, fill=colour)
        _text(draw, (left + max(span, 6) + 16, y + 10), str(count), 32, bold=True)
        y += 100
    return _png(image)


def stats_png(kb: Knowledge, lang: str, by_model: dict[str, int]) -> bytes:
    bars = [
        (pick(kb.models[m].name, lang), by_model.get(m, 0), MODEL_COLOURS.get(m, INK))
        for m in kb.models
    ]
    return bar_chart_png(kb.text("stats_chart_title", lang), bars)
