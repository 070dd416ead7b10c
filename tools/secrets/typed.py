"""Secrets people type into a chat: a payment card's number, and a one-time code or PIN they were asked for.

A card number is known by its shape (an issuer's prefix, 13-19 digits, the Luhn check digit); a code is only a
few digits, known by what was said around it: "the verification code is 306842", or any short number in the
reply to "I've sent a verification code to your email, what is it?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

Span = tuple[int, int]

# Digits in groups of up to six, joined by single spaces or dashes (4111 1111 1111 1111, 3782-822463-10005); an
# expiry or a CVV may follow in the same run, so every run's leading groups are tried. Found as a plain run of
# digits, spaces and dashes (no backtracking over long tool outputs), then checked group by group.
_DIGIT_RUN = re.compile(r"(?<![\w.+/-])\d[\d -]{11,45}\d(?![\w-]|[.,/]\d)")
_RUN_SHAPE = re.compile(r"\d{2,6}(?:[ -]\d{2,6})*|\d{13,19}")
_GROUP = re.compile(r"\d+")
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
# What a one-time code is called. A bare "code" is one only where the text says it was sent to the user.
_CODE_NOUN = (
    r"(?:(?:verification|one[ -]?time|security|sms|text|login|sign[ -]?in|2fa|mfa|otp|\d-digit|six-digit"
    r"|access)[ \t]+(?:pass)?code|otp|passcode)"
)
_ASKS_FOR_CODE = re.compile(
    rf"(?i:\b{_CODE_NOUN}\b"
    r"|\bcode[ \t]+(?:we|i)[ \t]+(?:just[ \t]+)?(?:sent|texted|emailed)"
    r"|\bread[ \t]+(?:me[ \t]+)?the[ \t]+code|\bthe[ \t]+code[ \t]+(?:you|we)[ \t]+(?:received|got)"
    r"|\b(?:your|the|my|account|card|atm|debit|security|enter(?:[ \t]+the)?)[ \t]+pin\b)"
    r"|\bPIN\b"  # "PIN" written so is the secret; "pin it to 2.31.0" is not
)
_SAID_CODE = re.compile(
    rf"(?i)\b(?P<noun>{_CODE_NOUN}|pin|code)[ \t]*(?:is|was|=|:)?[ \t]*(?:just[ \t]+)?"
    r"[\"'“`]?(?P<v>\d{4,8})(?![\w-]|\.\d)"
)
# A bare "code" or "PIN" with a number is a secret only in a text about codes sent to someone ("I read them the
# code you texted me. They said the code was 025848"), not a store code, a CPT code or a postal PIN code.
_SENT_CODE_CONTEXT = re.compile(
    r"(?i)\b(?:texted|text(?:ed)?[ \t]+me|sms|sent[ \t]+(?:me|to[ \t]+my)|verification|one[ -]?time|2fa|mfa|otp"
    r"|authenticator|passcode)\b"
)
_ADDRESS_CONTEXT = re.compile(r"(?i)\b(?:address|deliver\w*|street|road|city|nagar|district|state|pin[ \t]?code)\b")
_CODE_HINTS = ("code", "otp", "pin")  # every request for a code says one of these
_TYPED_CODE = re.compile(r"(?<![\w.+/:$€£-])\d{4,8}(?![\w-]|[.,:/]\d)")
_CODE_WORDS = frozenset({"code", "codes", "otp", "pin", "passcode", "verification", "2fa", "mfa", "totp", "token"})
_SENDING = frozenset({"send", "request", "issue", "resend", "deliver", "trigger", "start", "generate", "initiate"})
_CHECKING = frozenset({"verify", "check", "validate", "confirm", "complete", "submit", "redeem"})


def card_numbers(text: str) -> Iterator[Span]:
    """Payment card numbers, with or without spaces or dashes between their groups, and with what follows them
    in the same run of digits (an expiry, a CVV) left out."""
    if not _FOUR_DIGITS.search(text):  # every card's number opens with four digits in a row
        return
    for match in _DIGIT_RUN.finditer(text):
        if _IBAN_HEAD.search(text[max(0, match.start() - 6) : match.start()]):
            continue  # NL39 4280 6091 5659 4492: a bank account, the task's value
        if not _RUN_SHAPE.fullmatch(match.group()):
            continue
        groups = list(_GROUP.finditer(match.group()))
        digits = ""
        for group in groups:
            digits += group.group()
            if _is_card(digits):
                yield match.start(), match.start() + group.end()
                break


def _is_card(digits: str) -> bool:
    return any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in _ISSUERS) and _luhn(digits)


def said_codes(text: str) -> Iterator[Span]:
    """ "my verification code is 306842", "PIN: 4821": a code named where it is given; a bare "code" or "PIN" only
    in a text about a code sent to someone, and a PIN not in an address (India's postal PIN codes)."""
    if not _FOUR_DIGITS.search(text):
        return
    about_sent_codes = _SENT_CODE_CONTEXT.search(text) is not None
    for match in _SAID_CODE.finditer(text):
        noun = match.group("noun").lower()
        if noun == "code" and not about_sent_codes:
            continue
        if noun == "pin" and (_ADDRESS_CONTEXT.search(text) or len(match.group("v")) > 6):
            continue
        yield match.span("v")


def asks_for_code(text: str) -> bool:
    """A message that sends or asks for a one-time code or a PIN: the short number in the reply is one."""
    lowered = text.lower()
    return any(word in lowered for word in _CODE_HINTS) and bool(_ASKS_FOR_CODE.search(text))


def sends_code(tool_words: Iterable[str]) -> bool:
    """A tool that sends the user a code (``send_verification_code``, ``otp.request``, ``trigger_2fa``), by the
    words of its name: ``send_shipping_update`` sends no code."""
    found = set(tool_words)
    return bool(found & _SENDING) and bool(found & _CODE_WORDS)


def checks_code(tool_words: Iterable[str]) -> bool:
    """A tool that checks the code the user gave (``verify_code``, ``otp.validate``, ``complete_2fa``): when it
    fails, the user reads the code again."""
    found = set(tool_words)
    return bool(found & _CHECKING) and bool(found & _CODE_WORDS)


def typed_code(text: str) -> Span | None:
    """The code in a reply to a request for one: its only short number, or the one said next to "code"."""
    numbers = list(_TYPED_CODE.finditer(text))
    if len(numbers) == 1:
        return numbers[0].span()
    named = next(iter(said_codes(text)), None)
    if named is not None:
        return named
    beside = [m for m in numbers if re.search(r"(?i)\b(?:code|otp|pin)\W{0,3}$", text[: m.start()])]
    return beside[0].span() if len(beside) == 1 else None


def _luhn(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0
