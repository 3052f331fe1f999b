"""The demo's home-care service: the reference care service (`welfare-care-service`)
started as a program of its own on 127.0.0.1 with a nurse account and Kari's hub, and
a nurse who uses its console over HTTP the way the console's page does (log in,
acknowledge, resolve, write to the resident). The hub only ever sees a FHIR service
at an address, as in a real home."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from hub_app.secret_files import write_secret

NURSE_USER, NURSE_NAME = "nina", "Sykepleier Nina"
NURSE_PASSWORD = "demo-passord-2468"  # a demo's own account on 127.0.0.1, printed for the person trying it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoCareService:
    def __init__(self, root: Path) -> None:
        self.data_dir = root / "care-service"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.patient_id = ""
        self._process: subprocess.Popen | None = None
        self._log = root / "care-service.log"

    def _run(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run([sys.executable, "-m", "care_service", *args, "--data-dir", str(self.data_dir)],
                              input=stdin, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"welfare-care-service {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def set_up(self, resident: str, credential_file: Path) -> None:
        """The nurse's account and the resident's hub; the hub's credential into its file."""
        self._run("add-nurse", NURSE_USER, "--name", NURSE_NAME, "--password-stdin", stdin=NURSE_PASSWORD + "\n")
        out = self._run("add-hub", resident)
        self.patient_id = re.search(r"resident id: (\S+)", out).group(1)
        write_secret(credential_file, re.search(r"credential[^:]*: (\S+)", out).group(1))

    def start(self) -> None:
        log = self._log.open("a", encoding="utf-8")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "care_service", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(self.data_dir)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/fhir/metadata", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the demo's care service did not start (see {self._log})")
            time.sleep(0.1)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


class ConsoleNurse:
    """A nurse at the console, through the console's own addresses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.csrf = ""

    def log_in(self) -> None:
        page = self.session.post(f"{self.url}/console/login", timeout=10,
                                 data={"username": NURSE_USER, "password": NURSE_PASSWORD})
        page.raise_for_status()
        self.csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)

    def alarms(self) -> list[dict[str, Any]]:
        answer = self.session.get(f"{self.url}/console", headers={"Accept": "application/json"}, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def _post(self, path: str, **form: str) -> None:
        answer = self.session.post(f"{self.url}{path}", data=form, timeout=10, allow_redirects=False,
                                   headers={"X-CSRF-Token": self.csrf, "Accept": "application/json"})
        answer.raise_for_status()  # 200, or 303 back to the page the form was on

    def acknowledge(self, alarm_id: str) -> None:
        self._post(f"/console/alarms/{alarm_id}/acknowledge")

    def resolve(self, alarm_id: str, note: str) -> None:
        self._post(f"/console/alarms/{alarm_id}/resolve", note=note)

    def write_to(self, patient_id: str, text: str) -> None:
        self._post(f"/console/residents/{patient_id}/message", text=text)


class ConsoleCamera:
    """Pictures of the console as the nurse sees it, in Chromium through Playwright
    when both are installed (`./dev demo` installs them); otherwise none, said once."""

    FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-quic",
             # The nurse's side of the video check-in: a fake camera and microphone on 127.0.0.1.
             "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             "--allow-loopback-in-peer-connection"]

    def __init__(self, url: str) -> None:
        self.url, self.why_not = url, ""
        self._playwright = self._browser = self._page = self._call = None
        try:
            import shutil

            from playwright.sync_api import sync_playwright

            chromium = shutil.which("chromium")
            if chromium is None:
                raise RuntimeError("chromium is not installed")
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=chromium, args=self.FLAGS)
            context = self._browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
            self._page = context.new_page()  # a call gets a tab of its own in the same session
            self._page.goto(f"{url}/console/login")
            self._page.fill("input[name=username]", NURSE_USER)
            self._page.fill("input[name=password]", NURSE_PASSWORD)
            self._page.click("button[type=submit]")
            self._page.wait_for_selector("#alarm-list", timeout=10000)
        except Exception as exc:  # the demo goes on without pictures of the console
            self.why_not = f"no console screenshots ({type(exc).__name__}: {exc})"
            self.close()

    def shoot(self, path: Path, wait_for: str = "") -> bool:
        """The live page as it is now (after `wait_for`, a CSS selector, appears)."""
        if self._page is None:
            return False
        if wait_for:
            self._page.wait_for_selector(wait_for, timeout=10000)
        self._page.screenshot(path=str(path))
        return True

    def join_call(self, room: str) -> bool:
        """The nurse joins a call from her console (a tab of its own, her session)."""
        if self._page is None:
            return False
        self._call = self._page.context.new_page()
        self._call.goto(f"{self.url}/console/calls/{room}")
        return True

    def call_state(self) -> dict:
        return self._call.evaluate("({...window.callState})") if self._call is not None else {}

    def shoot_call(self, path: Path) -> None:
        self._call.screenshot(path=str(path))

    def hang_up(self) -> None:
        self._call.click("#call-end")

    def close(self) -> None:
        for closing in (self._browser, self._playwright):
            if closing is not None:
                try:
                    closing.close() if closing is self._browser else closing.stop()
                except Exception:  # closing a browser that failed to start
                    pass
        self._page = self._browser = self._playwright = None
