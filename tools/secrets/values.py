"""What secrets are called and what they look like: names such as ``DB_PASSWORD`` or ``apiKey``, and values
that could be a password or a generated token rather than a placeholder, a reference or a type name."""

from __future__ import annotations

import re

from deftly.tools.secrets.tokens import SECRET, is_random

SENSITIVE_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|pass|passphrase|passcode|secret|token|api_?key|apikey|access_?key|secret_?key"
    r"|private_?key|client_?secret|authorization|auth|credentials?|cookie|set_cookie|session_?key|session_?token"
    r"|refresh_?token|access_?token|signature|sig|account_?key|shared_?access_?key|otp|totp|one_?time_?(?:pass)?code"
    r"|(?:encryption|master|signing|hmac|jwt|recovery|pre_?shared|wrapping)_?key"
    r"|one_?time_?password|verification_?code|security_?code|mfa_?code|2fa_?code|(?:account|card|atm|debit|security|login|user)_?pin|cvv2?|cvc2?"
    r"|card_?number)$"
)
_GLUED_NAME = re.compile(r"(?:password|passwd|secret|token|apikey|accesskey|secretkey|privatekey|credentials?)$")
_BENIGN_KEY = re.compile(
    r"(?:^|_)(?:primary|foreign|sort|partition|range|hash|row|cache|idempotency|public|object|s3|lookup|dedup|group"
    r"|shard|routing|index|unique|composite|map|dict|hot|short|ssh_public|keyboard|monkey|turkey|hockey)_?key$"
    r"|^key$|^keys$|^(?:max|num|total|input|output|prompt|completion|cached)_tokens?$|^tokens?_(?:count|used)$"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normal_name(name: str) -> str:
    return _CAMEL.sub("_", name.strip().strip("\"'\\")).lower().replace("-", "_").replace(".", "_").replace(" ", "_")


def name_strength(name: str) -> int:
    """2: a secret's name (``DB_PASSWORD``, ``apiKey``); 1: maybe (``*_KEY``, ``key``); 0: not a secret's name."""
    normal = normal_name(name)
    if _BENIGN_KEY.search(normal) and not normal.endswith(("api_key", "secret_key", "access_key", "private_key")):
        return 1 if normal in ("key", "keys") else 0
    if SENSITIVE_NAME.search(normal) or _GLUED_NAME.search(normal):
        return 2
    return 1 if normal.endswith("key") else 0


_NOT_VALUES = frozenset(
    {
        "null", "none", "nil", "true", "false", "undefined", "str", "string", "int", "bool", "bytes", "optional",
        "required", "secret", "password", "token", "redacted", "hidden", "masked", "changeme?", "env", "******",
        "expired", "invalid", "incorrect", "correct", "wrong", "missing", "empty", "set", "unset", "stored",
        "saved", "needed", "valid", "revoked", "rotated", "reset", "ok", "yes", "no", "not", "the", "a", "an",
        "bearer", "basic", "digest", "negotiate",
    }
)  # fmt: skip
_REFERENCE = re.compile(
    r"^(?:\$\{?[A-Za-z_]|%[A-Za-z_]+%|<[^>]*>?$|\{\{|\*{3,}|x{4,}$|\.\.\.|…|\[[^\]]*\]$"
    r"|(?:os\.|process\.|self\.|this\.|env\.)|[A-Za-z_][\w.]*[(\[]|[/~]|[A-Za-z]:\\|\{secret\}"
    r"|arn:|alias/|projects/|(?:AES|RS|HS|ES|PS)\d{3}$|sha-?\d+$)",  # a key's reference or its algorithm
    re.IGNORECASE,
)
_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}")  # SecretStr, TokenType: an annotation, not a password
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_][a-z0-9_]*(?:\.[A-Za-z_][a-z0-9_]*)+")  # self.password, os.environ
TRAILING = ".,;:!?)]}'\""


def plausible_value(value: str) -> bool:
    """Could be a secret: not empty, not a placeholder, an env reference, a path or a type name."""
    return (
        len(value) >= 3
        and value.lower() not in _NOT_VALUES
        and not _REFERENCE.match(value)
        and not _IDENTIFIER_PATH.fullmatch(value)
        and not _TYPE_NAME.fullmatch(value)
        and SECRET not in value
    )


def password_like(value: str) -> bool:
    """A value said in prose ("my password is …") that looks chosen: a digit, a symbol or inner capitals."""
    if not plausible_value(value) or len(value) < 4:
        return False
    return any(c.isdigit() or not c.isalnum() for c in value) or any(c.isupper() for c in value[1:]) or len(value) >= 14


def token_like(value: str) -> bool:
    """A value under a maybe-secret name (``*_KEY``, ``key``, a cookie) that looks generated, not chosen."""
    if not plausible_value(value) or len(value) < 8:
        return False
    if "/" in value or " " in value:
        return is_random(value)  # a path or a phrase, unless it is random (AWS secret keys have slashes)
    kinds = sum((any(c.isupper() for c in value), any(c.islower() for c in value), any(c.isdigit() for c in value)))
    return kinds >= 2 and (len(value) >= 16 or any(c.isdigit() for c in value))


def named_key_value(value: str) -> bool:
    """ "onboarding-checklist-v3" under "trackingKey": lower-case words and short parts ("v3", "eu") joined by
    "-", "_" or ".", as a person names a thing -- mostly words, at most one part with a digit; a generated key
    ("k7p-9xq-m2z-w4r") has no such form."""
    if not _WORDS_SLUG.fullmatch(value):
        return False
    parts = re.split(r"[-_.]", value)
    words = sum(1 for part in parts if part.isalpha() and len(part) >= 2)
    return 2 * words >= len(parts) and sum(1 for part in parts if any(c.isdigit() for c in part)) <= 1


_WORDS_SLUG = re.compile(r"(?:[a-z]{2,}|[a-z0-9]{1,3})(?:[-_.](?:[a-z]{2,}|[a-z0-9]{1,3}))+")


def distinctive(value: str) -> bool:
    """Specific enough to mask wherever it appears again, not only where its context showed it."""
    if len(value) >= 16:
        return True
    return len(value) >= 6 and (any(not c.isalpha() for c in value) or value.lower() != value)
