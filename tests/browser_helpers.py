"""Debian's Chromium, headless, driven by Playwright (the browser is never downloaded):
the flags keep it from reaching for Google's services on a machine without a network."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic",
         # The console's alarm sound plays without a click first (a nurse turns it on once).
         "--autoplay-policy=no-user-gesture-required"]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
