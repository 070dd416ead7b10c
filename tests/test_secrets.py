"""Secrets never reach storage: not in traces, not in procedures, not in any file on disk."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tracebuilders import assistant, call, chat, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.learn import LearnItem, learn_batch
from deftly.tools.record_trace import record_trace
from deftly.tools.secrets import SECRET, scrub_text, scrub_value

# One of each kind; built from parts so this file itself does not look like a leaked credential.
SECRETS = {
    "anthropic": "sk-ant-api03-" + "Q7x" * 30,
    "openai": "sk-proj-" + "Zr4" * 16,
    "aws_key": "AKIA" + "IOSFODNN7EXAMPL1",
    "aws_secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "ZX9Q2LMN7A",
    "github": "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hI6",
    "slack": "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "private_key": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
    "url_password": "hunter2Pa55",
    "password_value": "CorrectHorseBatteryStaple9",
    "bearer": "bRt0kEn" + "Xy7Qw3Lm9Zp2Vn5Kc8",
    "hf": "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf12",
}
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + SECRETS["private_key"] + "\n-----END RSA PRIVATE KEY-----"


def planted_text() -> str:
    return "\n".join(
        [
            f"anthropic {SECRETS['anthropic']} openai {SECRETS['openai']}",
            f"aws_access_key_id={SECRETS['aws_key']}",
            f'aws_secret_access_key = "{SECRETS["aws_secret"]}"',
            f"token: {SECRETS['github']} slack {SECRETS['slack']} stripe {SECRETS['stripe']}",
            f"jwt {SECRETS['jwt']}",
            PEM,
            f"db at postgres://admin:{SECRETS['url_password']}@db.internal:5432/app",
            f"password = {SECRETS['password_value']}",
            f"Authorization: Bearer {SECRETS['bearer']}",
            f"HF_TOKEN={SECRETS['hf']}",
        ]
    )


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_kind_of_secret_is_replaced_by_a_placeholder(kind: str) -> None:
    scrubbed = scrub_text(planted_text())
    assert SECRETS[kind] not in scrubbed
    assert SECRET in scrubbed


def test_ordinary_text_and_ids_are_left_alone() -> None:
    text = "Cancel reservation ZFA04Y for mia_li_3668 on 2024-05-20; see https://example.com/docs and flight HAT136."
    assert scrub_text(text) == text


def test_values_under_secret_named_keys_are_replaced_whole() -> None:
    value = {"user": "bob", "password": "pw", "api_key": "abc", "max_tokens": 100, "nested": [{"auth_token": "z"}]}
    assert scrub_value(value) == {
        "user": "bob",
        "password": SECRET,
        "api_key": SECRET,
        "max_tokens": 100,
        "nested": [{"auth_token": SECRET}],
    }


def test_a_name_made_of_words_under_a_key_named_key_is_left_alone_and_a_generated_one_is_not() -> None:
    result = '{"trackingKey": "onboarding-checklist-v3", "flag_key": "ai-panel-v2", "client_key": "ck_9fQ2xLmT4vRb"}'
    assert scrub_text(result) == result.replace("ck_9fQ2xLmT4vRb", SECRET)


@pytest.mark.parametrize(
    "text",
    [
        "export MASTER_KEY=tiger-lemon-orbit-42",  # a passphrase under a key that always holds a secret
        '{"encryptionKey": "purple-monkey-dishwasher-7"}',
        "PAGERDUTY_KEY=u-Bzr_sXxMNjKe-yqXHJ",  # generated, dashes and all
        '{"key": "kLmNpQrStUvWxYzAbCdEf-gh"}',
        "STORAGE_KEY=k7p-9xq-m2z-w4r",  # short random groups are no words
    ],
)
def test_a_secret_with_dashes_is_still_masked(text: str) -> None:
    assert SECRET in scrub_text(text)


def secret_session() -> list[dict[str, Any]]:
    planted = planted_text()
    return chat(
        user(f"Rotate the deploy credentials for service billing-api. Current config:\n{planted}"),
        call("read_config", {"service": "billing-api", "password": SECRETS["password_value"]}, {"config": planted}),
        call(
            "write_config",
            {"service": "billing-api", "content": planted, "token": SECRETS["github"]},
            {"ok": True, "echo": planted},
        ),
        call("restart_service", {"service": "billing-api", "auth": f"Bearer {SECRETS['bearer']}"}, {"ok": True}),
        assistant(f"Rotated. Old key was {SECRETS['openai']}."),
    )


def test_no_planted_secret_survives_anywhere_on_disk(store: Any, embedder: Any, tmp_path: Path) -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    recorded = record_trace(
        store,
        json.dumps(secret_session()),
        now=now,
        title=f"rotate {SECRETS['stripe']}",
        session_id="secret-session",
        metadata={"note": f"key {SECRETS['anthropic']}", "api_key": SECRETS["hf"], "env": "prod"},
    )
    item = LearnItem(store.get_trace(recorded.resource_id), store.load_trace(recorded.resource_id))
    [result] = learn_batch([item], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=now)
    store.set_trace_statuses([result.update()])
    assert result.created == 1
    store.db.maintain(force=True)

    files = [p for p in (tmp_path / "db").rglob("*") if p.is_file()]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    for kind, secret in SECRETS.items():
        assert secret.encode() not in blob, f"{kind} secret found on disk"
    stored = store.load_trace(recorded.resource_id).model_dump_json()
    assert SECRET in stored and "billing-api" in stored  # scrubbed, not emptied


def test_a_text_scanned_before_still_teaches_each_trace_the_secret_it_holds() -> None:
    """Scans are cached across traces (a system prompt recurs in every run of a data set); each trace's
    scrubbing must still learn the secret a cached scan found, to mask its unlabelled repeats in that trace."""
    from tracebuilders import trace_of

    from deftly.tools.secrets.scrub import scrub_trace

    secret = SECRETS["password_value"]
    labelled, pasted = f"my password = {secret}", f"it did not work, so I pasted {secret} in the form"
    assert secret in scrub_text(pasted)  # alone, nothing marks it as a secret
    for n in range(3):  # from the second trace on, the labelled text's scan comes from the cache
        trace = scrub_trace(trace_of(user(labelled), assistant("Noted."), user(f"{pasted} ({n})")))
        assert secret not in trace.model_dump_json()


def test_only_texts_of_bounded_size_are_kept_scanned() -> None:
    from deftly.tools.secrets.scrub import MAX_CACHED_CHARS, SHORT_TEXT_CHARS, _long_scanned, _short_scanned

    _short_scanned.cache_clear()
    _long_scanned.cache_clear()
    short = f"password = {SECRETS['password_value']}"
    texts = [short, short + " filler" * (SHORT_TEXT_CHARS // 7), short + " filler" * (MAX_CACHED_CHARS // 7)]
    for _ in range(2):
        assert all(SECRETS["password_value"] not in scrub_text(text) for text in texts)
    assert [(c.cache_info().hits, c.cache_info().currsize) for c in (_short_scanned, _long_scanned)] == [(1, 1)] * 2


@pytest.mark.parametrize(
    "text",
    [
        "hello, my card is 4184 0817 0922 1212 and there is a charge I did not make",
        "Amex 3782-822463-10005, exp 04/29",
        "card_number=5555555555554444",
        "my card is 4111 1111 1111 1111.",
        "4111 1111 1111 1111 0429 123 is the card, expiry and cvv",
    ],
)
def test_a_payment_card_number_is_a_secret_however_it_is_grouped(text: str) -> None:
    scrubbed = scrub_text(text)
    assert SECRET in scrubbed
    assert not any(run in scrubbed for run in ("1212", "10005", "4444", "1111"))


def test_numbers_shaped_like_cards_but_not_cards_stay() -> None:
    text = (
        "IBAN NL39 4280 6091 5659 4492; phone IMEI 356938035643809; SIM ICCID 8901496369811215221; "
        "order 1234567890123 at 1775475601597; zip code is 94107; error code 1045; total $1999 on 2026-03-01"
    )
    assert scrub_text(text) == text


def test_a_code_named_as_it_is_given_is_a_secret() -> None:
    said = [
        "my verification code is 231388.",
        "PIN: 4821",
        "I read them the code you texted me. They said the code was 025848",
    ]
    for text in said:
        assert SECRET in scrub_text(text) and not any(c.isdigit() for c in scrub_text(text)), text


def test_codes_that_are_the_tasks_values_stay() -> None:
    for text in (
        "my confirmation code is 84736291",
        "CPT code 99213 for the visit",
        "the store code is 4417",
        "deliver to 12 MG Road, Bengaluru, PIN 560034",
        "auth code 483921 from the terminal",
        "should I pin it to 2.31.0 instead?",
    ):
        assert scrub_text(text) == text
    assert scrub_value({"pincode": "560034", "pin": "1.26.4"}) == {"pincode": "560034", "pin": "1.26.4"}


def test_the_reply_to_a_request_for_a_one_time_code_is_a_secret_there_and_in_the_call_that_checks_it() -> None:
    from tracebuilders import trace_of

    from deftly.tools.secrets.scrub import scrub_trace

    trace = trace_of(
        user("I need my number moved to a new SIM, the old phone is gone. Account 6082089984."),
        call("send_verification_code", {"account_id": "BW-2270442", "channel": "sms"}, {"sent": True}),
        assistant("I've texted you a verification code. What is it?"),
        user("ok got it 306842"),
        call("verify_code", {"account_id": "BW-2270442", "code": "306842"}, {"verified": True}),
        assistant("Verified. Which store are you at? Give me its 4-digit number."),
        user("store 4417"),
    )

    stored = scrub_trace(trace).model_dump_json()

    assert "306842" not in stored and stored.count(SECRET) == 2
    assert "6082089984" in stored and "store 4417" in stored  # asked before the code, and after it was checked


def test_only_the_code_in_a_reply_is_masked_and_only_after_a_request_for_one() -> None:
    from tracebuilders import trace_of

    from deftly.tools.secrets.scrub import scrub_trace

    asked = trace_of(
        user("my account is locked"),
        assistant("Please read me the 6-digit code we just texted to your phone."),
        user("code 306842, the sim ends 5221, and my account is 10045821"),
        call("complete_2fa", {"account": "10045821", "value": "306842"}, {"ok": True}),
        assistant("Unlocked."),
    )
    shipped = trace_of(
        user("where is my parcel?"),
        call("send_shipping_update", {"order_id": "48213911"}, {"sent": True}),
        assistant("I've sent you the tracking update. Anything else?"),
        user("yes, order 48213911 also, and my zip is 94107"),
        call("get_order", {"order_id": "48213911"}, {"status": "shipped"}),
    )

    stored = scrub_trace(asked).model_dump_json()
    assert "306842" not in stored and "5221" in stored and stored.count("10045821") == 2
    assert scrub_trace(shipped).model_dump_json().count("48213911") == 3


def test_a_remembered_code_is_masked_where_it_stands_alone_not_inside_a_longer_number_or_id() -> None:
    from tracebuilders import trace_of

    from deftly.tools.secrets.scrub import scrub_trace

    trace = trace_of(
        user("I need my number moved to a new SIM. Account BW-2270442."),
        call("send_verification_code", {"account_id": "BW-2270442", "channel": "sms"}, {"sent": True}),
        assistant("I've texted you a verification code. What is it?"),
        user("306842"),
        call("verify_code", {"account_id": "BW-2270442", "code": "306842"}, {"verified": True}),
        call("swap_sim", {"line": "2083068421", "iccid": "8901306842771215221"}, {"order": "FK3068425"}),
        call(
            "audit.log",
            {"event": "sim_swap"},
            {"log": "09:12 code sent\n306842 entered", "query": "otp%3D306842", "json": "%7B%22otp%22%3A%22306842%22"},
        ),
        assistant("Done: the new SIM (order FK3068425) is active on 2083068421; the code 306842 is used up."),
    )

    stored = scrub_trace(trace).model_dump_json()

    assert "306842" not in stored.replace("2083068421", "").replace("8901306842771215221", "").replace("FK3068425", "")
    assert stored.count("2083068421") == 2 and "8901306842771215221" in stored and stored.count("FK3068425") == 2


def test_a_remembered_password_is_masked_inside_escaped_and_encoded_text() -> None:
    from tracebuilders import trace_of

    from deftly.tools.secrets.scrub import scrub_trace

    trace = trace_of(
        user("The read-only db password is Pg4dm1n2024, can you check the grants of app_ro?"),
        call("sql.query", {"sql": "SELECT * FROM grants"}, "role\tpassword\napp_ro\tPg4dm1n2024\tSELECT"),
        call("http.get", {"url": "https://db.acme.io/check?pw%3DPg4dm1n2024"}, {"ok": True}),
        assistant("app_ro has SELECT only."),
    )

    assert "Pg4dm1n2024" not in scrub_trace(trace).model_dump_json()


def test_one_time_codes_and_card_fields_are_secret_by_name() -> None:
    value = {
        "otp": "482913",
        "verification_code": "5531",
        "cvv": "381",
        "card_number": "4111111111111111",
        "zip": "94107",
    }
    assert scrub_value(value) == {
        "otp": SECRET,
        "verification_code": SECRET,
        "cvv": SECRET,
        "card_number": SECRET,
        "zip": "94107",
    }


@pytest.mark.parametrize(
    "text", ['{"encryption_key": "alias/aws/s3"}', '{"signing_key": "RS256"}', '{"root_key": "data"}']
)
def test_a_keys_reference_or_algorithm_is_no_secret(text: str) -> None:
    assert scrub_text(text) == text
