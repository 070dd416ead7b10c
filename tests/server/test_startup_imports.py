"""What a server's start imports (issue 15): LanceDB without the REST namespace client's API modules."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import deftly.server.storage.db
before = sorted(m for m in sys.modules if m.startswith("lance_namespace_urllib3_client.api"))
from lance_namespace_urllib3_client import ApiClient, TableApi  # the package's own names, loaded on first use
import lance_namespace_urllib3_client as package
print(json.dumps({"before": before, "client": ApiClient.__name__, "api": TableApi.__name__,
                  "after": "lance_namespace_urllib3_client.api.table_api" in sys.modules,
                  "version": getattr(package, "__version__", None) is not None}))
"""


def test_lancedb_opens_without_the_namespace_clients_api_modules_which_load_on_first_use() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["before"] == [], "importing storage ran the package's __init__"
    assert found == {"before": [], "client": "ApiClient", "api": "TableApi", "after": True, "version": True}
