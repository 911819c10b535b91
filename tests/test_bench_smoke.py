"""Smoke test of the end-to-end benchmark: two users, the bot and the echo peer, once.

The real benchmark (200 users, repeated runs) is not part of the test suite; this only
checks that each configuration completes against the real bot process and the peers and
that the summary lines and the report carry plausible numbers — no timing thresholds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.e2e import BEGIN, DESCRIPTIONS, END, user, write_section
from tests.processes import ROOT, clean_env

LINE = re.compile(r"^e2e (\w+) users=(\d+) (.*)$")


def _fields(rest: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in rest.split())


def test_quick_run_prints_one_plausible_line_per_configuration_run(tmp_path: Path) -> None:
    out = tmp_path / "BENCH.md"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "bench.e2e", "--quick", "--users", "2"),
            *("--only", "clientwise", "echo", "--output", str(out)),
        ],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = {m[1]: _fields(m[3]) for m in map(LINE.match, run.stdout.splitlines()) if m}
    assert set(lines) == {"clientwise", "echo"}, run.stdout
    for name, f in lines.items():
        # /start, Start, the description and at least ten answers for each of 2 users.
        assert int(f["updates"]) >= 2 * 13 or name == "echo", (name, f)
        assert float(f["updates/s"]) > 0, (name, f)
        assert 0 < float(f["p50_ms"]) <= float(f["p95_ms"]) <= float(f["p99_ms"]), (name, f)
        assert float(f["bot_cpu_ms/update"]) > 0 and float(f["bot_peak_rss_mb"]) > 10, f
        assert f["unfinished"] == "0", (name, f)
    # The first use of each of the six languages, apart from a second user's.
    for key in ("first_by_lang_ms", "warm_by_lang_ms"):
        by_lang = dict(pair.split(":") for pair in lines["clientwise"][key].split(","))
        assert set(by_lang) == {"en", "id", "th", "tr", "ru", "ro"}, by_lang
        assert all(float(ms) > 0 for ms in by_lang.values()), by_lang
    assert "first_by_lang_ms" not in lines["echo"]
    text = out.read_text()
    assert BEGIN in text and END in text and "| clientwise | 1 |" in text
    assert "First use of each language" in text
    assert "| echo | 1 |" in text and "python-telegram-bot 22" in text


def test_a_section_is_replaced_between_its_markers_and_the_rest_kept(tmp_path: Path) -> None:
    doc = tmp_path / "B.md"
    doc.write_text(f"# Benchmarks\n\nprofile notes\n\n{BEGIN}\nold numbers\n{END}\n\ntail\n")
    write_section(doc, f"{BEGIN}\nnew numbers\n{END}")
    text = doc.read_text()
    assert "new numbers" in text and "old numbers" not in text
    assert text.index("profile notes") < text.index("new numbers") < text.index("tail")
    write_section(
        doc, "<!-- x:begin -->\nother\n<!-- x:end -->", "<!-- x:begin -->", "<!-- x:end -->"
    )
    assert doc.read_text().rstrip().endswith("<!-- x:end -->") and "new numbers" in doc.read_text()


def test_simulated_users_take_turns_in_the_six_languages() -> None:
    langs = [user(n)["language_code"] for n in range(12)]
    assert langs == [*DESCRIPTIONS, *DESCRIPTIONS] and len(set(langs)) == 6
