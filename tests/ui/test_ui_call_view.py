"""The call view's fence, in real Qt WebEngine (offscreen) against pages served on
127.0.0.1 from two origins: the allowed one gets the (fake) camera and microphone and
nothing else; the other is never loaded, whether opened directly, navigated to from
an allowed page, or opened as a pop-up."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hub_app.call_origins import allowed_origins, origin_of
from hub_app.ui.call_view import CallWebView

PAGE = b"""<!doctype html><html><body><video id=me autoplay muted></video><script>
window.result = {media: 'pending'};
navigator.mediaDevices.getUserMedia({video: true, audio: true}).then(s => {
  window.result.media = 'granted ' + s.getTracks().map(t => t.kind).sort().join(',');
  document.getElementById('me').srcObject = s;
}).catch(e => { window.result.media = 'refused ' + e.name; });
navigator.geolocation.getCurrentPosition(() => { window.result.where = 'granted'; },
                                         e => { window.result.where = 'refused'; });
</script></body></html>"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *_args):
        pass


@pytest.fixture
def two_origins():
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Page) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def _result(qtbot, view):
    box = {}
    view.page().runJavaScript("JSON.stringify(window.result || null)", 0, lambda r: box.setdefault("r", r))
    qtbot.waitUntil(lambda: "r" in box, timeout=5000)
    return json.loads(box["r"]) if box["r"] else None


def test_the_allowed_origin_gets_camera_and_microphone_and_nothing_else(qtbot, two_origins):
    allowed, _other = two_origins
    view = CallWebView(allowed_origins("", allowed))
    qtbot.addWidget(view)
    view.resize(640, 400)
    view.show()
    view.open_call(f"{allowed}/call")
    qtbot.waitUntil(lambda: (_result(qtbot, view) or {}).get("media", "pending") != "pending", timeout=15000)
    found = _result(qtbot, view)
    assert found["media"] == "granted audio,video"
    qtbot.waitUntil(lambda: "where" in (_result(qtbot, view) or {}), timeout=5000)
    assert _result(qtbot, view)["where"] == "refused"  # only media, never location or anything else


def test_another_origin_is_never_loaded(qtbot, two_origins):
    allowed, other = two_origins
    view = CallWebView(allowed_origins("", allowed))
    qtbot.addWidget(view)
    view.show()
    refused = []
    view.fenced.refused.connect(refused.append)
    view.open_call(f"{other}/call")  # directly
    qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert refused == [origin_of(other)] and view.url().toString() in ("", "about:blank")
    assert _result(qtbot, view) is None  # nothing of that page ever ran

    view.open_call(f"{allowed}/call")
    qtbot.waitUntil(lambda: (_result(qtbot, view) or {}).get("media", "pending") != "pending", timeout=15000)
    view.page().runJavaScript(f"window.open('{other}/popup'); location.href = '{other}/elsewhere';")
    qtbot.waitUntil(lambda: len(refused) == 2, timeout=5000)
    qtbot.wait(500)
    assert view.url().toString().startswith(allowed)  # still on the call
    assert _result(qtbot, view)["media"].startswith("granted")
