"""One case per kind of secret the scrubber knows, in the surroundings it turns up in; and the ids a procedure
needs, which must come through untouched.

Secrets are built from parts so this file does not look like a leaked credential to a scanner.
"""

from __future__ import annotations

import base64

import pytest

from deftly.tools.secrets import SECRET, Scrubber, scrub_text, scrub_trace, scrub_value
from deftly.tools.trace import Message, ToolCall, ToolResult, Trace

A = "Qm7xK2pL9vR4tW8z"  # 16 mixed characters to build tokens from
HEX32 = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + A * 2
PEM = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n{A * 4}\n-----END PRIVATE KEY-----\n"
BASIC = base64.b64encode(b"deploy:orchid42-Vex!").decode()

# kind -> (text as it turns up, the secret in it)
CASES: dict[str, tuple[str, str]] = {
    "aws access key id": ("aws_access_key_id = AKIA" + "Q7ZP3M5N2K8L4J6H", "AKIA" + "Q7ZP3M5N2K8L4J6H"),
    "aws secret access key": (f"aws_secret_access_key = {A}{A}/b+9X{A[:4]}", f"{A}{A}/b+9X{A[:4]}"),
    "gcp service-account private key": (
        '{"type": "service_account", "private_key": "' + PEM.replace("\n", "\\n") + '", "client_email": "x@y.z"}',
        PEM_BODY,
    ),
    "azure storage connection string": (
        f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={A * 5}a1b2c3d4==;EndpointSuffix=core",
        f"{A * 5}a1b2c3d4==",
    ),
    "azure sas signature": (f"https://acme.blob.core.windows.net/c/f.csv?sv=2022-11-02&sig={A}{A}%3D", f"{A}{A}%3D"),
    "github classic": ("token ghp_" + A * 2 + "abcd", "ghp_" + A * 2 + "abcd"),
    "github fine-grained": ("github_pat_" + A + "_" + A * 3, "github_pat_" + A + "_" + A * 3),
    "gitlab": ("PRIVATE-TOKEN: glpat-" + A + "xyzw", "glpat-" + A + "xyzw"),
    "slack": ("xoxb-123456789012-1234567890123-" + A, "xoxb-123456789012-1234567890123-" + A),
    "stripe live": ("stripe.api_key = 'sk_live_" + A * 2 + "'", "sk_live_" + A * 2),
    "stripe restricted": ("rk_live_" + A * 2, "rk_live_" + A * 2),
    "openai": ("OPENAI_API_KEY=sk-proj-" + A * 3, "sk-proj-" + A * 3),
    "anthropic": ("x-api-key: sk-ant-api03-" + A * 5, "sk-ant-api03-" + A * 5),
    "mailgun classic": ("curl --user 'api:key-" + HEX32 + "' https://api.mailgun.net", "key-" + HEX32),
    "mailgun current": ("mailgun " + HEX32 + "-1a2b3c4d-5e6f7a8b", HEX32 + "-1a2b3c4d-5e6f7a8b"),
    "sendgrid": ("SG." + A + "abcdef." + A * 2 + "abcdefghijk", "SG." + A + "abcdef." + A * 2 + "abcdefghijk"),
    "twilio sid": ("twilio --account-sid AC" + HEX32, "AC" + HEX32),
    "npm": ("npm_" + A * 2 + "abcd", "npm_" + A * 2 + "abcd"),
    "pypi": ("pypi-AgEIcHlwaS5vcmc" + A * 5, "pypi-AgEIcHlwaS5vcmc" + A * 5),
    "jwt": (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + A + "_" + A,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + A + "_" + A,
    ),
    "pem private key (multi-line)": ("cat deploy_rsa\n" + PEM, PEM_BODY),
    "authorization basic": (f"curl -H 'Authorization: Basic {BASIC}' https://ci.acme.io", BASIC),
    "authorization bearer": (f'-H "Authorization: Bearer {A}.{A}"', f"{A}.{A}"),
    "url user:password": ("git clone https://deploy:orchid42-Vex!@git.acme.io/billing.git", "orchid42-Vex!"),
    "postgres url": ("DATABASE_URL=postgres://app:tango7-Moss#@db.internal:5432/billing", "tango7-Moss#"),
    "mongodb+srv url": ("mongodb+srv://admin:river88-Lima%3F@cluster0.x7k2p.mongodb.net/shop", "river88-Lima%3F"),
    "redis url with empty user": ("REDIS_URL=redis://:copper5-Zed*@cache:6379/0", "copper5-Zed*"),
    "mysql url": ("mysql://root:maple9-Blue@127.0.0.1:3306/shop", "maple9-Blue"),
    "--password flag": ("./manage.py createsuperuser --password quartz3-Qkab", "quartz3-Qkab"),
    "--password= flag": ("docker login -u acme --password=nimbus4-Vexcd registry.acme.io", "nimbus4-Vexcd"),
    "mysql -p<value>": ("mysql -u root -pfalcon12-Xyzq shop < dump.sql", "falcon12-Xyzq"),
    "sshpass -p": ("sshpass -p summer7-Lima ssh deploy@host", "summer7-Lima"),
    "curl -u user:password": ("curl -u admin:hunter5-Moss https://api.acme.io", "hunter5-Moss"),
    "--token flag": (f"vault login --token {A}{A}", f"{A}{A}"),
    "--api-key flag": (f"acme-cli push --api-key {A}x9", f"{A}x9"),
    "NAME_PASSWORD= env": ("DB_PASSWORD=orchid3-Blue!", "orchid3-Blue!"),
    "NAME_PASS= env": ("export SMTP_PASS='river4-Zed?'", "river4-Zed?"),
    "NAME_SECRET= env": (f"APP_SECRET={A}9", f"{A}9"),
    "NAME_TOKEN= env": (f"SENTRY_AUTH_TOKEN={A}{A}", f"{A}{A}"),
    "NAME_KEY= env": (f"SIGNING_KEY={A}77", f"{A}77"),
    "yaml key: value": ("database:\n  admin_password: tango9-Lima\n  host: db", "tango9-Lima"),
    "json key: value": (f'{{"client_secret": "{A}4", "client_id": "billing"}}', f"{A}4"),
    "cookie header": (f"Cookie: sessionid={HEX32}; theme=dark", HEX32),
    "set-cookie header": (f"Set-Cookie: session={A}ab; Path=/; HttpOnly", f"{A}ab"),
    "curl cookie flag": (f"curl -b 'connect.sid=s%3A{A}' https://admin.acme.io", f"s%3A{A}"),
    "password said in words": ("my password is hunter2-Xyz!", "hunter2-Xyz"),
    "password said, longer": ("The admin password for the staging box is maple12-Vex#.", "maple12-Vex#"),
    "api key said in words": (f"the API key is {A}x", f"{A}x"),
    "hex token": (f"X-Api-Key: {HEX32}", HEX32),
    "bare hex token": (f"use {HEX32}{HEX32[:16]} for the webhook", f"{HEX32}{HEX32[:16]}"),
    "bare base64 token": ("signing value " + base64.urlsafe_b64encode(bytes(range(7, 39))).decode(), None),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_of_secret_is_scrubbed(kind: str) -> None:
    text, secret = CASES[kind]
    if secret is None:  # the whole last word
        secret = text.rsplit(" ", 1)[1].rstrip("=")
    scrubbed = scrub_text(text)

    assert secret not in scrubbed, scrubbed
    assert SECRET in scrubbed


NEEDED = [
    "Cancel order #W2378156 and refund it to credit_card_7815826.",
    "Rebook flight HAT229 on reservation ZFA04Y for mia_li_3668 on 2024-05-20.",
    '{"order_id": "#W2378156", "item_ids": ["6086499569", "4358482460"], "email": "mia.li@example.com"}',
    "Fixes #4521; see https://github.com/acme/billing/commit/4f3a2b1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
    "git checkout 4f3a2b1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a && git cherry-pick a41c9e2",
    '{"id": "0b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e", "user_id": "sofia_kim_7287"}',
    "docker pull registry.acme.io/billing@sha256:" + HEX32 * 2,
    "Refund charge ch_3MtwBwLkdIwHu7ix28a3tqPa for customer cus_NffrFeUfNV2Hib (ticket OPS-1423).",
    "Tag v2.4.0 and ship tracking number 1Z999AA10123456784 to 12 Elm Street, Springfield.",
    '{"traceId": "' + HEX32 + '", "spanId": "051581bf3cb55c13"}',
    "sort_key=created_at primary_key: id max_tokens=4096 the token count is 1200",
    "def login(password: str) -> None: token = get_token(); password = self.password",
    "export DB_PASSWORD=$DB_PASSWORD and GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}",
    "my password is wrong, the token is expired and the key is to retry",
    "docker run -u 1000:1000 -p 8080:80 mysql:8 and mkdir -p /srv/billing",
    "ssh to 34.120.8.17 as deploy",
]


@pytest.mark.parametrize("text", NEEDED)
def test_ids_a_procedure_needs_are_not_scrubbed(text: str) -> None:
    assert scrub_text(text) == text


def test_commit_hashes_in_a_git_commands_output_survive() -> None:
    log = "\n".join(f"commit {HEX32}{i:08x}\nAuthor: Mia Li\n\n    change {i}" for i in range(3))
    call = ToolCall(call_id="c1", tool="Bash", arguments={"command": "git log -3"}, result=ToolResult(content=log))
    bare = ToolCall(
        call_id="c2",
        tool="Bash",
        arguments={"command": "git rev-parse HEAD"},
        result=ToolResult(content=HEX32 + "01234567\n"),
    )
    trace = Trace(format="test", turns=[Message(role="user", text="what changed?"), call, bare])

    scrubbed = scrub_trace(trace)

    assert scrubbed.turns[1:] == trace.turns[1:]


def test_the_same_hex_token_without_a_git_command_is_scrubbed() -> None:
    call = ToolCall(call_id="c1", tool="Bash", arguments={"command": "cat .env"}, result=ToolResult(content=HEX32))
    scrubbed = scrub_trace(Trace(format="test", turns=[call]))
    assert isinstance(scrubbed.turns[0], ToolCall) and scrubbed.turns[0].result is not None
    assert scrubbed.turns[0].result.content == SECRET


def test_a_secret_named_once_is_masked_where_it_is_pasted_again_without_its_name() -> None:
    trace = Trace(
        format="test",
        turns=[
            Message(role="user", text="try mysql -h db -u shop -pquartz77-Zed! first"),
            Message(role="assistant", text="Logged in as shop with quartz77-Zed! on db."),
        ],
    )
    assert "quartz77-Zed!" not in scrub_trace(trace).model_dump_json()


def test_a_short_value_found_by_its_name_is_masked_only_there() -> None:
    assert scrub_text("Password: hunter. The hunter is away.") == "Password: {secret}. The hunter is away."


def test_argument_keys_and_nested_values_are_scrubbed() -> None:
    token = "ghp_" + A * 2 + "abcd"
    value = {"headers": {"Authorization": f"Bearer {A}{A}", token: True}, "items": [{"apiKey": "x1"}], "n": 3}

    scrubbed = scrub_value(value)

    assert scrubbed == {"headers": {"Authorization": SECRET, SECRET: True}, "items": [{"apiKey": SECRET}], "n": 3}


def test_metadata_secrets_given_as_known_are_masked_in_the_trace() -> None:
    scrubber = Scrubber()
    scrubber.remember("copper12-Lima")
    trace = Trace(format="test", turns=[Message(role="user", text="connect with copper12-Lima")])
    assert "copper12-Lima" not in scrub_trace(trace, known=scrubber.found).model_dump_json()
