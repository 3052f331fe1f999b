"""`welfare-care-service` at the command line, as a technician meets it: one sentence and
exit status 1 where something is wrong, never a traceback, and nothing changed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


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


def test_add_hub_refuses_an_empty_name_and_a_name_twice_unless_it_is_said(tmp_path):
    data = str(tmp_path / "data")
    assert "needs a name" in one_sentence(service("add-hub", "  ", "--data-dir", data))
    first = service("add-hub", "Kari Nordmann", "--data-dir", data)
    assert first.returncode == 0 and "resident id: " in first.stdout
    said = one_sentence(service("add-hub", "Kari  Nordmann", "--data-dir", data))
    assert "is there already" in said and "--same-name" in said
    assert service("add-hub", "Kari Nordmann", "--same-name", "--data-dir", data).returncode == 0


def test_add_nurse_never_replaces_a_nurse_in_silence(tmp_path):
    from care_service.storage import ServiceStore

    data = str(tmp_path / "data")
    assert service("add-nurse", "nina", "--name", "Sykepleier Nina", "--password-stdin", "--data-dir", data,
                   stdin="first password 1\n").returncode == 0
    said = one_sentence(service("add-nurse", "nina", "--password-stdin", "--data-dir", data, stdin="second pass 22\n"))
    assert "exists already" in said and "--reset-password" in said
    reset = service("add-nurse", "nina", "--reset-password", "--password-stdin", "--data-dir", data,
                    stdin="second pass 22\n")
    assert reset.returncode == 0
    store = ServiceStore(tmp_path / "data" / "care-service.db")
    try:
        assert store.nurse_name("nina") == "Sykepleier Nina"  # her name stays
        assert store.password_matches(store.nurse_password_hash("nina"), "second pass 22")
    finally:
        store.close()


def test_revoke_hub_refuses_the_credential_at_once(tmp_path):
    data = str(tmp_path / "data")
    added = service("add-hub", "Kari Nordmann", "--data-dir", data).stdout
    patient = next(line.split(": ", 1)[1] for line in added.splitlines() if line.startswith("resident id"))
    assert service("revoke-hub", patient, "--data-dir", data).returncode == 0
    assert "no hub credential in use" in one_sentence(service("revoke-hub", patient, "--data-dir", data))


def test_the_services_database_is_its_users_alone_whatever_the_umask(tmp_path):
    import stat

    previous = os.umask(0o022)
    try:
        assert service("add-hub", "Kari Nordmann", "--data-dir", str(tmp_path / "data")).returncode == 0
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "data", *(tmp_path / "data").iterdir())}
    assert modes["data"] == 0o700 and modes["care-service.db"] == 0o600
    assert all(mode == 0o600 for name, mode in modes.items() if name.startswith("care-service.db"))
