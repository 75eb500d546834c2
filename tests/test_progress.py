"""Progress shows on a terminal for long operations, and never in piped output or with -q."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios

import pytest

from benchmarks.generate import generate
from conftest import ZONEMAP
from zonemap import progress


@pytest.fixture(scope="module")
def big_zone(tmp_path_factory):
    return generate(5_000, tmp_path_factory.mktemp("progress") / "big.gpkg")


def _on_a_terminal(*args: str) -> tuple[str, str]:
    """Run the CLI with stderr on a pseudo-terminal (as in a planner's shell): what it drew there, and stdout."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    # No delay: the bar would show at once; whether it shows is what is tested.
    environment = {**os.environ, "ZONEMAP_PROGRESS_DELAY": "0"}
    done = subprocess.run([*ZONEMAP, *args], stdout=subprocess.PIPE, stderr=follower, timeout=300, env=environment)
    os.close(follower)
    drawn = b""
    try:
        while chunk := os.read(leader, 65536):
            drawn += chunk
    except OSError:  # the terminal is closed once everything is read
        pass
    os.close(leader)
    assert done.returncode == 0, drawn
    return drawn.decode("utf-8", "replace"), done.stdout.decode()


def test_validate_shows_its_stages_on_a_terminal(big_zone):
    drawn, out = _on_a_terminal("validate", str(big_zone))
    assert "validate:" in drawn and "/6 [" in drawn and "stage/s" in drawn
    assert drawn.endswith("\r")  # the bar is wiped when done
    assert out.endswith("：无问题\n") and "stage" not in out


def test_quiet_flag_shows_nothing_on_a_terminal(big_zone):
    drawn, out = _on_a_terminal("validate", str(big_zone), "-q")
    assert drawn == "" and out.endswith("：无问题\n")


def test_piped_output_has_no_progress(big_zone):
    environment = {**os.environ, "ZONEMAP_PROGRESS_DELAY": "0"}
    done = subprocess.run([*ZONEMAP, "validate", str(big_zone), "--json"], capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0
    assert "stage" not in done.stderr and "\r" not in done.stderr


def test_small_operations_show_no_bar(capsys):
    # A bar that finishes before the delay is never drawn, even on a terminal.
    with progress.stages("quick", ["a", "b"]) as stage:
        stage("a")
        stage("b")
    assert capsys.readouterr().err == ""


def test_map_build_shows_progress_on_a_terminal(big_zone, tmp_path):
    drawn, out = _on_a_terminal("map", str(big_zone), "-o", str(tmp_path / "big.html"), "--basemap", "none")
    assert "map:" in drawn and "/3 [" in drawn
    assert out.strip() == str(tmp_path / "big.html")
