"""Removing secrets before anything is stored: every secret becomes the placeholder ``{secret}``.

* ``tokens``: secrets known by their shape (detect-secrets' pattern plugins and the provider formats it
  lacks; long random strings by detect-secrets' entropy, minus the ids and hashes procedures need);
* ``values``: what secrets are called (``DB_PASSWORD``, ``apiKey``) and what their values look like;
* ``context``: secrets only their surroundings reveal (assignments, flags, headers, cookies, URLs,
  "my password is …", PEM blocks);
* ``typed``: what people type into a chat: a payment card's number, a one-time code or PIN they were asked for;
* ``scrub``: texts, JSON-like values and whole traces; session ids that hold a secret become a stable hash.
"""

from deftly.tools.secrets.scrub import (
    Scrubber,
    hashed_session_id,
    is_sensitive_key,
    safe_session_id,
    scrub_text,
    scrub_trace,
    scrub_value,
    warm,
)
from deftly.tools.secrets.tokens import SECRET

__all__ = [
    "SECRET",
    "Scrubber",
    "hashed_session_id",
    "is_sensitive_key",
    "safe_session_id",
    "scrub_text",
    "scrub_trace",
    "scrub_value",
    "warm",
]
