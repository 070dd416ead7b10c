"""Secrets known by their shape alone: provider token formats, and long random strings.

The provider formats are detect-secrets' pattern plugins plus the ones it does not know (or knows too
narrowly). Random strings are judged with detect-secrets' Shannon entropy and its sequence/UUID filters,
plus guards of our own for the ids a procedure needs: prefixed ids (``cus_…``, ``toolu_…``), short codes,
digit-only numbers, and hashes where a git command or a hash is being talked about.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import cache, lru_cache
from typing import Any

SECRET = "{secret}"

_PROVIDER_PATTERNS = (
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}"),  # Anthropic
    re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),  # OpenAI
    re.compile(r"\bhf_[A-Za-z0-9]{30,}"),  # Hugging Face
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"),  # Google API key
    re.compile(r"\bgh[pousr]_[A-Za-z0-9_]{30,}"),  # GitHub
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    re.compile(r"\bgl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-[A-Za-z0-9_\-]{20,}"),  # GitLab
    re.compile(r"\bxox[abposre]-[A-Za-z0-9\-]{10,}"),  # Slack
    re.compile(r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}"),  # Stripe secret and restricted keys
    re.compile(r"\bwhsec_[A-Za-z0-9]{20,}"),  # Stripe webhook secret
    re.compile(r"\bkey-[0-9a-f]{32}\b"),  # Mailgun (classic)
    re.compile(r"\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}\b"),  # Mailgun (current)
    re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),  # SendGrid
    re.compile(r"\b(?:AC|SK)[0-9a-fA-F]{32}\b"),  # Twilio account and API key SIDs
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),  # npm
    re.compile(r"\bpypi-[A-Za-z0-9_\-]{50,}"),  # PyPI
    re.compile(r"\b(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"\bdo[opr]_v1_[0-9a-f]{64}\b"),  # DigitalOcean
    re.compile(r"\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b"),  # Shopify
    re.compile(r"\bhv[sbr]\.[A-Za-z0-9_\-]{24,}"),  # HashiCorp Vault
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),  # JWT
)
# A pattern that matched only a token's fixed-length prefix leaves its tail behind.
_MASK_TAIL = re.compile(r"\{secret\}[A-Za-z0-9_\-]+")

TOKEN = re.compile(r"[^\s\"'`<>(){}\[\],;|\\]{16,}")
_RANDOM_RUN = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_PLAIN = re.compile(r"[a-z]+")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
_PREFIXED_ID = re.compile(r"[a-z]{2,12}[_\-](?:[a-z0-9]{1,6}[_\-])?(?P<body>[A-Za-z0-9]+)")
_SEPARATORS = re.compile(r"[-_/.]")
_WORD = re.compile(r"(?:[A-Z]*(?:[A-Z][a-z]+)+|[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)\d{0,4}|\d+|v\d+")
MIN_HEX = 32
LONG_RUN = 32
MIN_PREFIXED_TOKEN_BODY = 32

_HASH_CONTEXT = re.compile(
    r"(?i)(?<![a-z])(?:git|commit|commits|sha|sha1|sha256|sha512|hash|hashes|digest|checksum|md5|etag|revision"
    r"|rev|integrity|fingerprint|cherry-pick|rebase|bisect|blob|head)(?![a-z])|sha\d*sum|@sha256:"
)
# A hex string right after an id's or a hash's name (``"traceId": "…"``, ``gt_data_hash=…``) is that id.
_ID_NAME_BEFORE = re.compile(
    r"(?i)(?:id|ids|hash|sha\w*|digest|checksum|etag|commit|rev|revision|oid|uuid|guid)\\?[\"']?\s*[:=]\s*\\?[\"']?$"
)
_SUBRESOURCE_INTEGRITY = re.compile(r"sha(?:1|256|384|512)-")


def mentions_hashes(text: str) -> bool:
    """A git command or talk of hashes: long hex strings there are commits and digests, not tokens."""
    return bool(_HASH_CONTEXT.search(text))


def named_as_id(text: str, token: str) -> bool:
    """Whether ``token`` first appears in ``text`` right after an id's or a hash's name."""
    at = text.find(token)
    return at > 0 and bool(_ID_NAME_BEFORE.search(text, max(0, at - 40), at))


@lru_cache(maxsize=16384)
def mask_token(token: str, hashes: bool) -> str:
    """``token`` with its secret parts replaced; cached, since tokens repeat across a trace."""
    if _PLAIN.fullmatch(token):
        return token  # no token shape is lowercase letters only
    masked = _mask_patterns(token)
    return _RANDOM_RUN.sub(lambda m: SECRET if is_random(m.group(0), hashes) else m.group(0), masked)


def _mask_patterns(text: str) -> str:
    for pattern in patterns():
        text = pattern.sub(_mask, text)
    return _MASK_TAIL.sub(SECRET, text) if SECRET in text else text


def _mask(match: re.Match[str]) -> str:
    # Mask only group 1 when it is the secret itself (AWS: 'aws_secret = "<40 chars>"');
    # a short group is a prefix such as GitHub's "ghp", so the whole match goes.
    if match.re.groups == 0 or len(match.group(1) or "") < 8:
        return SECRET
    start, end = match.span(1)
    whole, base = match.group(0), match.start()
    return whole[: start - base] + SECRET + whole[end - base :]


def is_random(run: str, hashes: bool = False) -> bool:
    """A long run of base64/hex characters that is random enough to be a key, and is no id or hash we keep."""
    if SECRET in run:
        return False
    if _HEX.fullmatch(run):
        return not hashes and _random_hex(run)
    if _SUBRESOURCE_INTEGRITY.match(run):
        return False  # package-lock's "integrity": "sha512-…"
    prefixed = _PREFIXED_ID.fullmatch(run)
    if prefixed and len(prefixed.group("body")) < MIN_PREFIXED_TOKEN_BODY:
        return False  # cus_NffrFeUfNV2Hib, toolu_01A09q90qw9…, msg_01XFD…: ids
    return _random_base64(run.rstrip("="))


def _random_hex(run: str) -> bool:
    if len(run) < MIN_HEX or run.isdigit() or run.isalpha():
        return False
    return bool(_entropy("hex", run) > 3.0) and not _filters().is_sequential_string(run)


def _random_base64(run: str) -> bool:
    has = (any(c.isupper() for c in run), any(c.islower() for c in run), any(c.isdigit() for c in run))
    if not all(has) or _wordy(run):
        return False  # words, paths and names; a random 24+ character key has all three kinds of character
    # detect-secrets' 4.5 bits suits long strings; shorter random ones cannot reach it, so the bar follows length
    # (missing ~1 in 1000 random 32-byte keys, and few names)
    long = len(run) >= LONG_RUN
    limit = 4.3 if long else 0.85 * math.log2(len(run))
    changes = 0.35 if long else 0.45
    return (
        _entropy("base64", run) > limit and _class_changes(run) >= changes and not _filters().is_sequential_string(run)
    )


def _wordy(run: str) -> bool:
    """Made of words and numbers joined by separators: ``ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09``."""
    parts = [part for part in _SEPARATORS.split(run) if part]
    words = sum(part.isdigit() or (len(part) >= 2 and bool(_WORD.fullmatch(part))) for part in parts)
    return len(parts) >= 3 and words >= 0.75 * len(parts)


def _class_changes(run: str) -> float:
    """How often neighbours differ in kind (upper, lower, digit, other): ~0.65 when random, lower in names."""
    kinds = ["u" if c.isupper() else "l" if c.islower() else "d" if c.isdigit() else "o" for c in run]
    return sum(a != b for a, b in itertools.pairwise(kinds)) / (len(run) - 1)


def _entropy(kind: str, data: str) -> float:
    plugin = _entropy_plugins()[kind]
    return float(plugin.calculate_shannon_entropy(data))


@cache
def _entropy_plugins() -> dict[str, Any]:
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString

    return {"base64": Base64HighEntropyString(), "hex": HexHighEntropyString()}


@cache
def _filters() -> Any:
    from detect_secrets.filters import heuristic

    return heuristic


@cache
def patterns() -> tuple[re.Pattern[str], ...]:
    """Our token shapes, then the regexes of detect-secrets' pattern plugins (but public IPs: not secrets)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    plugin_classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    plugin_patterns = tuple(
        re.compile(pattern.pattern, pattern.flags | re.MULTILINE)
        for plugin_class in plugin_classes
        if issubclass(plugin_class, RegexBasedDetector) and plugin_class.__name__ != "IPPublicDetector"
        for pattern in plugin_class().denylist
    )
    return _PROVIDER_PATTERNS + plugin_patterns


def warm() -> None:
    patterns()
    _entropy_plugins()
    _filters()
