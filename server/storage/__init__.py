"""Storage: everything deftly keeps on disk, in LanceDB, and nothing else.

The connection and its tables (``db``, ``schema``, ``rows``), the namespace-scoped stores of
procedures, search phrases, traces and ratings (``store``, ``search_store``, ``traces_store``),
hybrid search over them (``search``), cross-process file locks, the import log and ``forget``.
A new storage backend or table starts here. This room may import ``deftly.tools``, the
standard library and LanceDB; it never imports the MCP app, the CLI, the hosts or the
background work above it.

Importing this room defers the body of ``lance_namespace_urllib3_client``'s ``__init__`` (see
``defer_package_init``), which LanceDB imports without using it for a local or S3 store.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

# The REST namespace client's package __init__ imports its nine API modules, whose methods are pydantic
# ``validate_call``-wrapped: ~0.7-0.9 s of LanceDB's ~1.6 s import on the development machine, for a
# client deftly never creates. Its models (which LanceDB does import) load as usual.
DEFERRED_PACKAGES = ("lance_namespace_urllib3_client",)


def defer_package_init(name: str) -> None:
    """Register package ``name`` without running its ``__init__``: submodules import as usual (the
    package's ``__path__`` is set), and the first attribute read from the package itself runs the
    ``__init__`` then, so ``from name import X`` still finds ``X``. No-op if it is imported already or
    absent."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(attribute: str) -> Any:
        if attribute.startswith("__") or module.__dict__.get("__getattr__") is not __getattr__:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}")
        del module.__dict__["__getattr__"]  # before running the body, which may read its own attributes
        loader.exec_module(module)
        try:
            return module.__dict__[attribute]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from None

    module.__dict__["__getattr__"] = __getattr__
    sys.modules[name] = module


for _package in DEFERRED_PACKAGES:
    defer_package_init(_package)
