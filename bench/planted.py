"""What ``bench/secrets_on_disk.py`` plants: secrets of 40 kinds, each in the realistic surroundings it turns up in, and
the ids a procedure needs (which must survive scrubbing). Every value is freshly random, so any trace of it on
disk is attributable.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"


def chars(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def password(rng: random.Random) -> str:
    """A password a person picks: words, digits, a symbol ("hunter2-Xyz!")."""
    word = rng.choice(["hunter", "summer", "falcon", "orchid", "tango", "copper", "maple", "river", "quartz", "nimbus"])
    tail = rng.choice(["Xyz", "Blue", "Qk", "Lima", "Zed", "Moss", "Vex"]) + chars(rng, 2, string.ascii_lowercase)
    return f"{word}{rng.randint(2, 99)}-{tail}{rng.choice('!#%*?@')}"


def pem(rng: random.Random, label: str) -> str:
    body = base64.b64encode(rng.randbytes(600)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def pem_needles(value: str) -> list[str]:
    lines = [line for line in value.splitlines() if line and not line.startswith("-----")]
    return [lines[0], lines[len(lines) // 2], lines[-1]]


@dataclass(frozen=True)
class Kind:
    """A kind of secret: how to make one, the surroundings it turns up in (``{s}`` is the secret), and the
    substrings whose presence on disk means it leaked."""

    name: str
    make: Callable[[random.Random], str]
    contexts: tuple[str, ...]
    needles: Callable[[str], list[str]] = field(default=lambda value: [value])


def _basic(rng: random.Random) -> str:
    return base64.b64encode(f"deploy:{password(rng)}".encode()).decode()


def _jwt(rng: random.Random) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    claims = {"sub": str(rng.randint(10**9, 10**10)), "name": "Mia Li", "iat": rng.randint(1.6e9, 1.8e9)}
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{payload}.{chars(rng, 43, ALNUM + '-_')}"


def _card(rng: random.Random) -> str:
    """A Visa or Mastercard number with a valid check digit, grouped by fours half of the time."""
    digits = [int(d) for d in rng.choice(["4", "51", "53", "55"])]
    digits += [rng.randint(0, 9) for _ in range(15 - len(digits))]
    total = sum(d if n % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for n, d in enumerate(reversed(digits)))
    number = "".join(map(str, digits)) + str((10 - total % 10) % 10)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.5 else number


def _imei(rng: random.Random) -> str:
    """A phone's 15-digit IMEI (also Luhn-checked, but no card)."""
    digits = [3, 5] + [rng.randint(0, 9) for _ in range(12)]
    total = sum(d if n % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for n, d in enumerate(reversed(digits)))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _gcp(rng: random.Random) -> str:
    return pem(rng, "PRIVATE KEY")


GCP_JSON = (
    '{{"type": "service_account", "project_id": "acme-prod", "private_key_id": "k1", '
    '"private_key": {json_s}, "client_email": "deployer@acme-prod.iam.gserviceaccount.com"}}'
)

KINDS: tuple[Kind, ...] = (
    Kind(
        "aws_access_key_id",
        lambda r: "AKIA" + chars(r, 16, string.ascii_uppercase + string.digits),
        ("aws_access_key_id = {s}", "export AWS_ACCESS_KEY_ID={s}", "the access key {s} belongs to ci-bot", "{s}"),
    ),
    Kind(
        "aws_secret_access_key",
        lambda r: chars(r, 40, B64),
        ("aws_secret_access_key = {s}", "AWS_SECRET_ACCESS_KEY={s}", '{{"SecretAccessKey": "{s}"}}', "{s}"),
    ),
    Kind(
        "gcp_service_account_key",
        _gcp,
        (GCP_JSON, "{s}", "Saved the key to key.json:\n{s}"),
        pem_needles,
    ),
    Kind(
        "azure_storage_connection_string",
        lambda r: base64.b64encode(r.randbytes(64)).decode(),
        (
            "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey={s};EndpointSuffix=core.windows.net",
            "AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s}'",
        ),
    ),
    Kind(
        "azure_sas_token",
        lambda r: chars(r, 43, ALNUM) + "%3D",
        (
            "https://acme.blob.core.windows.net/exports/q3.csv?sv=2022-11-02&sr=b&sp=r&se=2026-01-01&sig={s}",
            "SharedAccessSignature=sv=2022-11-02&sig={s}",
        ),
    ),
    Kind(
        "github_classic_token",
        lambda r: "ghp_" + chars(r, 36),
        ("GITHUB_TOKEN={s}", "git clone https://x-access-token:{s}@github.com/acme/billing.git", "{s}"),
    ),
    Kind("github_oauth_token", lambda r: "gho_" + chars(r, 36), ("gh auth token printed {s}", "{s}")),
    Kind(
        "github_fine_grained_pat",
        lambda r: "github_pat_" + chars(r, 22) + "_" + chars(r, 59),
        ("export GH_TOKEN={s}", "{s}"),
    ),
    Kind("gitlab_token", lambda r: "glpat-" + chars(r, 20, ALNUM + "-_"), ("PRIVATE-TOKEN: {s}", "{s}")),
    Kind(
        "slack_token",
        lambda r: f"xoxb-{r.randint(10**11, 10**12)}-{r.randint(10**12, 10**13)}-{chars(r, 24)}",
        ("SLACK_BOT_TOKEN={s}", "{s}"),
    ),
    Kind("stripe_secret_key", lambda r: "sk_live_" + chars(r, 40), ("stripe.api_key = '{s}'", "{s}")),
    Kind("stripe_restricted_key", lambda r: "rk_live_" + chars(r, 40), ("STRIPE_KEY={s}", "{s}")),
    Kind(
        "openai_key",
        lambda r: "sk-proj-" + chars(r, 48, ALNUM + "-_"),
        ("OPENAI_API_KEY={s}", "client = OpenAI(api_key='{s}')", "{s}"),
    ),
    Kind("anthropic_key", lambda r: "sk-ant-api03-" + chars(r, 93, ALNUM + "-_") + "AA", ("x-api-key: {s}", "{s}")),
    Kind(
        "mailgun_key",
        lambda r: "key-" + chars(r, 32, HEX),
        ("MAILGUN_API_KEY={s}", "curl -s --user 'api:{s}' https://api.mailgun.net/v3/mg.acme.io/messages", "{s}"),
    ),
    Kind(
        "sendgrid_key",
        lambda r: "SG." + chars(r, 22, ALNUM + "-_") + "." + chars(r, 43, ALNUM + "-_"),
        ("SENDGRID_API_KEY={s}", "{s}"),
    ),
    Kind(
        "twilio_sid_and_key",
        lambda r: r.choice(["AC", "SK"]) + chars(r, 32, HEX),
        ("TWILIO_ACCOUNT_SID={s}", "twilio api:core:messages:list --account-sid {s}", "{s}"),
    ),
    Kind(
        "twilio_auth_token",
        lambda r: chars(r, 32, HEX),
        ("TWILIO_AUTH_TOKEN={s}", "auth_token = '{s}'", "the auth token is {s}"),
    ),
    Kind(
        "npm_token", lambda r: "npm_" + chars(r, 36), ("//registry.npmjs.org/:_authToken={s}", "NPM_TOKEN={s}", "{s}")
    ),
    Kind(
        "pypi_token",
        lambda r: "pypi-AgEIcHlwaS5vcmc" + chars(r, 120, ALNUM + "-_"),
        ("TWINE_PASSWORD={s}", "password = {s}", "{s}"),
    ),
    Kind("jwt", _jwt, ("Authorization: Bearer {s}", '{{"access_token": "{s}", "expires_in": 3600}}', "{s}")),
    Kind("rsa_private_key", lambda r: pem(r, "RSA PRIVATE KEY"), ("{s}", "cat ~/.ssh/deploy_rsa\n{s}"), pem_needles),
    Kind("openssh_private_key", lambda r: pem(r, "OPENSSH PRIVATE KEY"), ("{s}",), pem_needles),
    Kind(
        "basic_auth_header",
        _basic,
        ("Authorization: Basic {s}", "curl -H 'Authorization: Basic {s}' https://ci.acme.io/api/json"),
    ),
    Kind(
        "bearer_token",
        lambda r: chars(r, 40, ALNUM + "-_."),
        ("Authorization: Bearer {s}", 'curl -H "Authorization: Bearer {s}" https://api.acme.io/v1/me'),
    ),
    Kind(
        "url_credentials",
        password,
        ("https://deploy:{s}@git.acme.io/billing.git", "pip install --index-url https://ci:{s}@pypi.acme.io/simple x"),
    ),
    Kind(
        "postgres_url",
        password,
        ("DATABASE_URL=postgres://app:{s}@db.internal:5432/billing", "psql postgresql://admin:{s}@10.0.3.17/billing"),
    ),
    Kind(
        "mongodb_srv_url",
        password,
        (
            "mongodb+srv://admin:{s}@cluster0.x7k2p.mongodb.net/shop?retryWrites=true",
            "MONGO_URI=mongodb://root:{s}@mongo:27017",
        ),
    ),
    Kind("redis_url", password, ("REDIS_URL=redis://:{s}@cache.internal:6379/0", "redis://default:{s}@redis:6379")),
    Kind("mysql_url", password, ("mysql://root:{s}@127.0.0.1:3306/shop", "DB_DSN=mysql://shop:{s}@db:3306/shop")),
    Kind(
        "password_flag",
        password,
        (
            "mysql -u root -p{s} shop < dump.sql",
            "./manage.py createsuperuser --username admin --password {s}",
            "docker login -u acme --password={s} registry.acme.io",
            "sshpass -p {s} ssh deploy@10.0.3.17",
        ),
    ),
    Kind(
        "token_flag",
        lambda r: chars(r, 32, ALNUM),
        ("vault login --token {s}", "deftly-cli push --api-key {s}", "terraform login --token={s}"),
    ),
    Kind(
        "password_assignment",
        password,
        ("DB_PASSWORD={s}", "SMTP_PASS={s}", "export REDIS_PASS='{s}'", "admin_password: {s}", '"password": "{s}"'),
    ),
    Kind(
        "token_assignment",
        lambda r: chars(r, 28, ALNUM),
        ("SENTRY_AUTH_TOKEN={s}", "APP_SECRET={s}", "client_secret: {s}", '"api_key": "{s}"', "SIGNING_KEY={s}"),
    ),
    Kind(
        "cookie",
        lambda r: chars(r, 32, string.ascii_lowercase + string.digits),
        (
            "Cookie: sessionid={s}; csrftoken=abc",
            "Set-Cookie: session={s}; Path=/; HttpOnly; Secure",
            "curl -b 'connect.sid={s}' https://admin.acme.io/orders",
        ),
    ),
    Kind(
        "password_in_words",
        password,
        ("my password is {s}", "The admin password for the staging box is {s}.", "log in with password {s} please"),
    ),
    Kind(
        "api_key_in_words",
        lambda r: chars(r, 24, ALNUM),
        ("the API key is {s}", "Here's my token: {s}", "the secret key for the webhook is {s}"),
    ),
    Kind("hex_token", lambda r: chars(r, r.choice([32, 48, 64]), HEX), ("X-Api-Key: {s}", "{s}", "token {s}")),
    Kind(
        "base64_token",
        lambda r: base64.urlsafe_b64encode(r.randbytes(32)).decode().rstrip("="),
        ("{s}", "Use {s} as the webhook signing value", "X-Auth: {s}"),
    ),
    Kind("payment_card", _card, ("my card number is {s}", '{{"card_number": "{s}"}}', "{s}", "charge {s} exp 04/29")),
)


# --- the ids a procedure needs --------------------------------------------------------------------------------


def _sha(rng: random.Random) -> str:
    return chars(rng, 40, HEX)


NEEDED: tuple[Kind, ...] = (
    Kind(
        "order_number",
        lambda r: f"#W{r.randint(10**6, 10**7 - 1)}",
        ("Cancel order {s} please", '{{"order_id": "{s}"}}'),
    ),
    Kind("flight_number", lambda r: chars(r, 3, string.ascii_uppercase) + str(r.randint(100, 999)), ("flight {s}",)),
    Kind(
        "reservation_code",
        lambda r: chars(r, 6, string.ascii_uppercase + string.digits),
        ("reservation {s}", '{{"reservation_id": "{s}"}}'),
    ),
    Kind("issue_number", lambda r: f"#{r.randint(100, 99999)}", ("Fixes {s}", "gh issue view {s}")),
    Kind("commit_sha", _sha, ("git checkout {s}", "git revert --no-edit {s}", "commit {s}\nAuthor: Mia Li")),
    Kind("short_sha", lambda r: chars(r, 7, HEX), ("git cherry-pick {s}", "{s} Fix the importer")),
    Kind("uuid_record", lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)), ('{{"id": "{s}"}}', "record {s}")),
    Kind("product_id", lambda r: str(r.randint(10**9, 10**10 - 1)), ('{{"item_id": "{s}"}}', "item {s}")),
    Kind("date", lambda r: f"20{r.randint(20, 29)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", ("on {s}", "{s}")),
    Kind(
        "email",
        lambda r: f"{r.choice(['mia', 'noah', 'ava', 'liam'])}.{chars(r, 5, string.ascii_lowercase)}@example.com",
        ("email {s}", '{{"email": "{s}"}}'),
    ),
    Kind(
        "user_id",
        lambda r: f"{r.choice(['mia_li', 'omar_rossi', 'sofia_kim'])}_{r.randint(1000, 9999)}",
        ('{{"user_id": "{s}"}}', "user {s}"),
    ),
    Kind("payment_method", lambda r: f"credit_card_{r.randint(10**6, 10**7 - 1)}", ('{{"payment_method_id": "{s}"}}',)),
    Kind("stripe_customer", lambda r: "cus_" + chars(r, 14), ("customer {s}", '{{"customer": "{s}"}}')),
    Kind("stripe_charge", lambda r: "ch_" + chars(r, 24), ("refund charge {s}",)),
    Kind("ticket", lambda r: f"OPS-{r.randint(100, 9999)}", ("ticket {s}",)),
    Kind(
        "docker_digest",
        lambda r: "sha256:" + chars(r, 64, HEX),
        ("docker pull registry.acme.io/billing@{s}", "image digest {s}"),
    ),
    Kind("version", lambda r: f"v{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 20)}", ("git tag -a {s}",)),
    Kind("tracking_number", lambda r: "1Z" + chars(r, 16, string.ascii_uppercase + string.digits), ("tracking {s}",)),
    Kind("imei", _imei, ("IMEI {s}", '{{"imei": "{s}"}}')),
    Kind(
        "github_commit_url",
        lambda r: f"https://github.com/acme/billing/commit/{_sha(r)}",
        ("see {s}",),
    ),
    Kind("path", lambda r: f"/srv/billing/releases/{r.randint(100, 999)}/app.tar.gz", ("cp {s} /tmp/",)),
)

SESSION_IDS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"sess-{r.randint(1, 999)}",
    lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
    lambda r: f"tau-{r.randint(0, 999):03d}",
    lambda r: f"run-2026-05-{r.randint(10, 28)}-{r.randint(1, 9):02d}",
)
