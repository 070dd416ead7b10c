"""Which files ``deftly import`` already imported, by content: ``DEFTLY_HOME/imported/<namespace>.sha256``.

One hash per line, appended; importing the same bytes (with the same options) again is skipped
without parsing. Only files whose extraction finished are listed, so a failed one is retried.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path


class ImportLog:
    def __init__(self, home: Path, namespace: str) -> None:
        self.path = home / "imported" / f"{namespace}.sha256"
        self._known: set[str] | None = None

    @staticmethod
    def key(content: bytes, *, format: str | None, outcome: str | None) -> str:
        """The content's hash, salted with the options that change what is recorded from it."""
        digest = hashlib.sha256(content)
        digest.update(f"\0{format or ''}\0{outcome or ''}".encode())
        return digest.hexdigest()

    def __contains__(self, key: str) -> bool:
        return key in self._load()

    def add(self, keys: Iterable[str]) -> None:
        new = [key for key in dict.fromkeys(keys) if key not in self._load()]
        if not new:
            return
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="ascii") as out:
            out.write("".join(f"{key}\n" for key in new))
        self._load().update(new)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self._known = set()

    def _load(self) -> set[str]:
        if self._known is None:
            try:
                self._known = set(self.path.read_text(encoding="ascii").split())
            except FileNotFoundError:
                self._known = set()
        return self._known
