"""One way to write a value as JSON for comparing: keys sorted, non-JSON values as strings."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
