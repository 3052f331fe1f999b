"""Debian's Chromium, headless, driven by Playwright (the browser is never downloaded):
the flags keep it from reaching for Google's services on a machine without a network."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic",
         # The console's alarm sound plays without a click first (a nurse turns it on once).
         "--autoplay-policy=no-user-gesture-required"]
# Video calls (docs/video-calls.md): the permission prompt answered yes, WebRTC between
# two pages on 127.0.0.1, and, unless a test wants a machine without any, Chromium's
# fake camera (a moving test pattern) and microphone (a beep).
MEDIA_FLAGS = ["--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection"]
FAKE_DEVICES = ["--use-fake-device-for-media-stream"]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


def launch(playwright, media: bool = False, fake_devices: bool = True):
    """`media`: for video calls (MEDIA_FLAGS), with the fake camera and microphone unless
    `fake_devices` is False (a machine with none)."""
    args = FLAGS + (MEDIA_FLAGS + (FAKE_DEVICES if fake_devices else []) if media else [])
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
