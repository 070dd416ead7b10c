"""Secrets people type into a chat: a payment card's number, and a one-time code or PIN they were asked for.

A card number is known by its shape (an issuer's prefix, 13-19 digits, the Luhn check digit); a code is only a
few digits, known by what was said around it: "the verification code is 306842", or any short number in the
reply to "I've sent a verification code to your email, what is it?".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Span = tuple[int, int]

# Digits in groups of up to six, joined by single spaces or dashes (4111 1111 1111 1111, 3782-822463-10005).
_DIGIT_RUN = re.compile(r"(?<![\w.+/-])\d{2,6}(?:[ -]?\d{2,6}){1,5}(?![\w.-]|/\d)")
# Issuers' prefixes and card lengths: Visa; Mastercard (51-55, 2221-2720); Discover; JCB; American Express;
# Diners Club. A phone's IMEI (15 digits, often 35...) is no JCB card (16-19).
_ISSUERS = (
    (re.compile(r"4"), (13, 16, 19)),
    (re.compile(r"5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)"), (16,)),
    (re.compile(r"6(?:011|5|4[4-9])"), (16, 17, 18, 19)),
    (re.compile(r"35(?:2[89]|[3-8]\d)"), (16, 17, 18, 19)),
    (re.compile(r"3[47]"), (15,)),
    (re.compile(r"3(?:0[0-5]|[68])"), (14, 15, 16, 17, 18, 19)),
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_IBAN_HEAD = re.compile(r"\b[A-Z]{2}\d{2} ?$")
_CODE_NOUN = (
    r"(?:(?:verification|one[ -]?time|security|confirmation|sms|text|login|sign[ -]?in|auth(?:entication)?|access"
    r"|2fa|mfa|otp)[ \t]+(?:pass)?code|otp|passcode|pin(?:[ \t]?code)?)"
)
_ASKS_FOR_CODE = re.compile(rf"(?i)\b{_CODE_NOUN}\b")
_SAID_CODE = re.compile(
    rf"(?i)\b(?P<noun>{_CODE_NOUN}|code)[ \t]*(?:is|was|=|:)?[ \t]*(?:just[ \t]+)?"
    r"[\"'“`]?(?P<v>\d{4,8})(?![\w-]|\.\d)"
)
_QUALIFIER = re.compile(r"([A-Za-z]+)[ \t-]$")
# A bare "code" is the user's secret unless it says what else it is: a zip code, an error code, a promo code.
_OTHER_CODES = frozenset({
    "zip", "postal", "post", "area", "country", "dialing", "dial", "error", "exit", "status", "return", "response",
    "reason", "product", "item", "sku", "promo", "promotion", "discount", "coupon", "voucher", "gift", "tracking",
    "reference", "booking", "tax", "hs", "naics", "sic", "airport", "branch", "sort", "routing", "swift", "bank",
    "source", "station", "department", "cost", "account", "event", "diagnostic", "fault", "trouble",
})  # fmt: skip
_TYPED_CODE = re.compile(r"(?<![\w.+/:$€£-])\d{4,8}(?![\w-]|[.,:/]\d)")
_SENDS_CODE = re.compile(
    r"(?i)(?:send|request|issue|deliver|resend)\w*[._ -]?\w*(?:code|otp|verification|pin)"
    r"|(?:code|otp|verification|pin)\w*[._ -]?(?:send|request|issue|resend)"
)
_CHECKS_CODE = re.compile(
    r"(?i)(?:verify|check|validate|confirm)\w*[._ -]?\w*(?:code|otp|pin)"
    r"|(?:code|otp|pin)\w*[._ -]?(?:verify|check|validate)"
)


def card_numbers(text: str) -> Iterator[Span]:
    """Payment card numbers, with or without spaces or dashes between their groups."""
    if not _FOUR_DIGITS.search(text):  # every card's number opens with four digits in a row
        return
    for match in _DIGIT_RUN.finditer(text):
        if _IBAN_HEAD.search(text[max(0, match.start() - 6) : match.start()]):
            continue  # NL39 4280 6091 5659 4492: a bank account, the task's value
        digits = re.sub(r"\D", "", match.group())
        if any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in _ISSUERS) and _luhn(digits):
            yield match.span()


def said_codes(text: str) -> Iterator[Span]:
    """ "my verification code is 306842", "PIN: 4821": a code named where it is given."""
    for match in _SAID_CODE.finditer(text):
        before = _QUALIFIER.search(text, max(0, match.start() - 24), match.start())
        qualifier = before.group(1).lower() if before else ""
        if match.group("noun").lower() != "code" or qualifier not in _OTHER_CODES:
            yield match.span("v")


def asks_for_code(text: str) -> bool:
    """A message that sends or asks for a one-time code or a PIN: the short number in the reply is one."""
    return bool(_ASKS_FOR_CODE.search(text))


def sends_code(tool: str) -> bool:
    """A tool that sends the user a code (``send_verification_code``, ``otp.request``)."""
    return bool(_SENDS_CODE.search(tool))


def checks_code(tool: str) -> bool:
    """A tool that checks the code the user gave (``verify_code``, ``otp.validate``): when it fails, the user
    reads the code again."""
    return bool(_CHECKS_CODE.search(tool))


def typed_codes(text: str) -> Iterator[Span]:
    """Every short number of a reply to a request for a code (not a time, a date, an amount or a version)."""
    for match in _TYPED_CODE.finditer(text):
        yield match.span()


def _luhn(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0
