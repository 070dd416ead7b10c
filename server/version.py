"""The installed version of deftly."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("deftly")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0"
