"""For bench/faults.py, which puts tests/ on its path and imports `fault_proxy`: the
fault proxy is tests/helpers/fault_proxy.py (tests import tests.helpers.fault_proxy)."""

from tests.helpers.fault_proxy import *  # noqa: F401,F403
