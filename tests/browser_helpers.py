"""For bench/call_setup.py, which puts tests/ on its path and imports `browser_helpers`:
the browser helpers are tests/helpers/browser.py (tests import tests.helpers.browser)."""

from tests.helpers.browser import *  # noqa: F401,F403
