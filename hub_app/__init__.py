"""The welfare hub: the core (store, runtime, technician door) and, in `hub_app.ui`,
the only code that imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("welfare-hub")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
