"""The web view a video call runs in: Qt WebEngine, fenced in.

Camera and microphone go only to the allowed call origins (the care service and the
meeting services in `[calls] origins`); every other permission is refused. The view
never goes anywhere else: navigation off the allow-list is refused, pop-ups are not
opened, there is no context menu, no address bar, and a certificate error ends the
load (WebEngine's default, kept). Nothing is written to disk: the profile is off the
record.

The page's own state is read by polling `window.callState` (the care service's call
page keeps it; see docs/video-calls.md). A page that has none (a municipality's Jitsi
Meet) is asked through `navigator.mediaDevices.enumerateDevices()` whether there is a
camera and a microphone, and the call lasts until the resident ends it.
"""

from __future__ import annotations

import json
import logging
import os

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEnginePermission, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView

from hub_app.call_origins import is_allowed, origin_of

log = logging.getLogger(__name__)

if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium's sandbox will not start as root (a container, a CI machine); a hub runs
    # as its own user, with the sandbox.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

MEDIA = (QWebEnginePermission.PermissionType.MediaAudioCapture, QWebEnginePermission.PermissionType.MediaVideoCapture,
         QWebEnginePermission.PermissionType.MediaAudioVideoCapture)
POLL_MS = 500
HANG_UP_MS = 300  # time for the page's goodbye to leave before the page is closed
# Asked of any page: its own state if it keeps one, and which devices exist (read on the next poll).
STATE_SCRIPT = """(() => {
  if (navigator.mediaDevices && !window.__hubDevicesAsked) {
    window.__hubDevicesAsked = true;
    navigator.mediaDevices.enumerateDevices().then(list => {
      window.__hubDevices = {camera: list.some(d => d.kind === 'videoinput'),
                             microphone: list.some(d => d.kind === 'audioinput')};
    }).catch(() => { window.__hubDevices = {camera: false, microphone: false}; });
  }
  return JSON.stringify({state: window.callState || null, devices: window.__hubDevices || null});
})()"""


_profile: QWebEngineProfile | None = None


def call_profile() -> QWebEngineProfile:
    """One off-the-record profile for the application's life: it must outlive every page
    made with it, so it belongs to the application, not to a view."""
    global _profile
    if _profile is None:
        _profile = QWebEngineProfile(QCoreApplication.instance())  # no storage name: off the record
    return _profile


def warm_up(timeout_s: float = 10.0) -> None:
    """Start the web engine now (a blank page, loaded and dropped), not at the first call."""
    import time

    page = QWebEnginePage(call_profile())
    done: list[bool] = []
    page.loadFinished.connect(done.append)
    page.load(QUrl("about:blank"))
    deadline = time.monotonic() + timeout_s
    while not done and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    page.deleteLater()


class FencedPage(QWebEnginePage):
    """A page that stays on the allowed origins and gives media to them only."""

    refused = Signal(str)  # the origin of a navigation or permission that was refused

    def __init__(self, profile: QWebEngineProfile, origins: frozenset[str], parent=None) -> None:
        super().__init__(profile, parent)
        self.origins = origins
        self.permissionRequested.connect(self._permission)
        settings = self.settings()
        # The other person's voice must play without a tap on the page.
        settings.setAttribute(QWebEngineSettings.WebAttribute.PlaybackRequiresUserGesture, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.ScreenCaptureEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)

    def acceptNavigationRequest(self, url: QUrl, navigation_type, is_main_frame: bool) -> bool:
        target = url.toString()
        if target == "about:blank" or is_allowed(target, self.origins):
            return True
        log.warning("The call view refused to go to %s", origin_of(target) or url.scheme())
        self.refused.emit(origin_of(target) or url.scheme())
        return False

    def createWindow(self, _type) -> QWebEnginePage | None:
        return None  # no pop-ups, no new windows: no way out to the web

    def _permission(self, permission: QWebEnginePermission) -> None:
        origin = permission.origin().toString()
        if permission.permissionType() in MEDIA and is_allowed(origin, self.origins):
            permission.grant()
            return
        log.warning("The call view refused %s to %s", permission.permissionType().name, origin_of(origin) or "a page")
        self.refused.emit(origin_of(origin) or "")
        permission.deny()


class CallWebView(QWebEngineView):
    """The other person, large; the page also shows the resident small."""

    page_state = Signal(object)  # dict: {"state": ..., "camera": bool|None, "microphone": bool|None}

    def __init__(self, origins: frozenset[str], parent=None) -> None:
        super().__init__(parent)
        self.fenced = FencedPage(call_profile(), origins, self)
        self.setPage(self.fenced)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.volume = 8  # of 10
        self.last_state: dict = {}  # what the page said at the last poll
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._ask)

    def open_call(self, url: str) -> None:
        self.last_state = {}
        self.load(QUrl(url))
        self._poll.start()

    def close_call(self) -> None:
        if not self._poll.isActive():
            return
        self._poll.stop()
        # The care service's page says goodbye first (the other side is told at once);
        # then the page goes, and the camera and microphone with it.
        self.page().runJavaScript("window.callEnd && window.callEnd()", 0)
        QTimer.singleShot(HANG_UP_MS, self._blank)

    def _blank(self) -> None:
        if not self._poll.isActive():  # not a new call opened meanwhile
            self.load(QUrl("about:blank"))

    def set_volume(self, level: int) -> None:
        self.volume = max(0, min(10, level))
        self._apply_volume()

    def _apply_volume(self) -> None:
        # Every media element on the page, also those made after a poll: sound follows the setting.
        self.page().runJavaScript(
            f"document.querySelectorAll('video,audio').forEach(e => {{ e.volume = {self.volume / 10:.1f}; }})", 0)

    def _ask(self) -> None:
        self.page().runJavaScript(STATE_SCRIPT, 0, self._answered)
        self._apply_volume()

    def _answered(self, result) -> None:
        try:
            found = json.loads(result) if isinstance(result, str) else {}
        except ValueError:
            return
        state, devices = found.get("state") or {}, found.get("devices") or {}
        self.last_state = {
            "state": state.get("state"),
            "camera": state.get("camera", devices.get("camera")),
            "microphone": state.get("microphone", devices.get("microphone")),
            "frames_decoded": state.get("framesDecoded", 0),
        }
        self.page_state.emit(self.last_state)
