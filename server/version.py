"""The installed version of deftly."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "deftly-mcp"  # the name on PyPI; the package imports as `deftly`

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0"
