"""`welfare-care-service` at the command line, as a technician meets it: one sentence and
exit status 1 where something is wrong, never a traceback, and nothing changed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def service(*args: str, stdin: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "care_service", *args], cwd=REPO, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)})


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("welfare-care-service: "), result.stderr
    return lines[0]


def test_serve_on_a_port_another_program_holds_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said = one_sentence(service("serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)))
    assert f"cannot listen on 127.0.0.1:{port}" in said and "another --port" in said


def test_serve_with_a_data_folder_it_cannot_make_says_so(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    said = one_sentence(service("serve", "--data-dir", str(blocker / "data")))
    assert "cannot be used" in said and "nothing was started" in said
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_add_nurse_without_a_terminal_says_to_use_password_stdin(tmp_path):
    said = one_sentence(service("add-nurse", "nina", "--data-dir", str(tmp_path / "data")))
    assert "--password-stdin" in said and "Nothing was changed" in said
