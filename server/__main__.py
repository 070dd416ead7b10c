"""``python -m deftly.server`` and the ``deftly`` console script."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from deftly.server.cli.main import main as _main


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
