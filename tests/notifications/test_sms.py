"""The SMS backends against a real (fake) provider over HTTP: keys, timeouts, retries inside the call,
5xx and 4xx; the console/file backend; the signed delivery-receipt callback, repeated."""

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from notifications import tasks
from notifications.models import Message, ProviderReceipt
from notifications.sms import ConsoleSmsBackend, HttpSmsBackend, SmsPermanentError, SmsTemporaryError
from notifications.sms.signing import HEADER, signature_for
from tests.conftest import make_user
from tests.notifications.fake_sms_provider import FakeSmsProvider, fake_sms_provider
from tests.notifications.messages_helpers import daytime_zone, queued

SECRET = "test-callback-secret"
RECEIPTS = "/notifications/sms/receipts/"


@pytest.fixture
def fake() -> Iterator[FakeSmsProvider]:
    with fake_sms_provider(token="provider-token") as provider:
        yield provider


def backend(fake: FakeSmsProvider, **options: Any) -> HttpSmsBackend:
    values: dict[str, Any] = {
        "url": fake.url,
        "token": "provider-token",
        "connect_timeout": 0.5,
        "read_timeout": 0.5,
        "retries": 2,
        "retry_wait": 0.01,
        "name": "fake",
    }
    values.update(options)
    return HttpSmsBackend(**values)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the HTTP adapter --------------------------------------------------------------------------------


def test_a_text_goes_with_its_idempotency_key_and_the_token(fake: FakeSmsProvider) -> None:
    provider_id = backend(fake).send(to="13800138000", body="Due tomorrow", idempotency_key="k-1")

    (text,) = fake.texts
    assert (text.id, text.to, text.text, text.idempotency_key) == (
        provider_id,
        "13800138000",
        "Due tomorrow",
        "k-1",
    )
    headers = fake.requests[0]["headers"]
    assert headers["Idempotency-Key"] == "k-1"
    assert headers["Authorization"] == "Bearer provider-token"


def test_the_same_key_again_is_the_same_text_not_a_second_one(fake: FakeSmsProvider) -> None:
    first = backend(fake).send(to="13800138000", body="Due", idempotency_key="k-2")
    second = backend(fake).send(to="13800138000", body="Due", idempotency_key="k-2")
    assert first == second
    assert (len(fake.texts), len(fake.requests)) == (1, 2)


def test_a_lost_answer_is_asked_again_with_the_same_key_and_is_one_text(fake: FakeSmsProvider) -> None:
    """The provider sent the text but answered after the read timeout: the adapter asks again."""
    fake.slow_seconds, fake.slow_times = 1.5, 1
    started = time.monotonic()

    provider_id = backend(fake, read_timeout=0.3).send(to="13800138000", body="Due", idempotency_key="k-3")

    assert time.monotonic() - started < 1.4  # it did not wait for the slow answer
    assert provider_id == fake.texts[0].id
    assert (len(fake.texts), len(fake.requests)) == (1, 2)


def test_a_provider_that_never_answers_in_time_is_given_up_after_the_bounded_tries(
    fake: FakeSmsProvider,
) -> None:
    fake.slow_seconds, fake.slow_times = 1.0, 10
    started = time.monotonic()

    with pytest.raises(SmsTemporaryError) as raised:
        backend(fake, read_timeout=0.2, retries=2).send(to="13800138000", body="Due", idempotency_key="k-4")

    elapsed = time.monotonic() - started
    assert raised.value.code == "timeout"
    assert len(fake.requests) == 3  # one call and two retries, no more
    assert 0.6 <= elapsed < 2.0, elapsed
    assert len(fake.texts) == 1  # every try carried the same key


def test_a_refused_connection_is_tried_again_then_temporary() -> None:
    adapter = HttpSmsBackend(
        url=f"http://127.0.0.1:{closed_port()}",
        token="",
        connect_timeout=0.5,
        read_timeout=0.5,
        retries=2,
        retry_wait=0.01,
        name="fake",
    )
    started = time.monotonic()
    with pytest.raises(SmsTemporaryError) as raised:
        adapter.send(to="13800138000", body="Due", idempotency_key="k-5")
    assert raised.value.code == "connection"
    assert time.monotonic() - started < 2.0


def test_a_server_error_is_temporary_and_not_retried_inside_the_call(fake: FakeSmsProvider) -> None:
    fake.fail_times = 1
    with pytest.raises(SmsTemporaryError) as raised:
        backend(fake).send(to="13800138000", body="Due", idempotency_key="k-6")
    assert raised.value.code == "http_500"
    assert (len(fake.requests), len(fake.texts)) == (1, 0)
    assert backend(fake).send(to="13800138000", body="Due", idempotency_key="k-6") == fake.texts[0].id


def test_a_refused_text_is_permanent_with_the_providers_code(fake: FakeSmsProvider) -> None:
    fake.reject_code = "invalid_number"
    with pytest.raises(SmsPermanentError) as raised:
        backend(fake).send(to="1380013800", body="Due", idempotency_key="k-7")
    assert raised.value.code == "invalid_number"
    with pytest.raises(SmsPermanentError) as wrong_token:
        backend(fake, token="wrong").send(to="13800138000", body="Due", idempotency_key="k-8")
    assert wrong_token.value.code == "unauthorised"
    assert fake.texts == []


@pytest.fixture
def inline_retries() -> Iterator[None]:
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.mark.django_db
@pytest.mark.usefixtures("inline_retries")
def test_a_message_through_the_adapter_survives_two_500s_and_is_one_text(
    fake: FakeSmsProvider, settings: Any
) -> None:
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = fake.url
    settings.SMS_HTTP_TOKEN = "provider-token"
    settings.SMS_PROVIDER_NAME = "fake"
    fake.fail_times = 2
    message = queued(make_user("adapter@example.com"), time_zone=daytime_zone())

    assert tasks.message_send.delay(message.pk).get() == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider) == ("sent", 3, "fake")
    assert [text.idempotency_key for text in fake.texts] == [message.idempotency_key]
    assert message.provider_message_id == fake.texts[0].id


# --- the console / file backend ----------------------------------------------------------------------


def test_the_console_backend_writes_one_json_line_a_text(tmp_path: Path, settings: Any) -> None:
    settings.SMS_FILE_DIR = str(tmp_path)
    console = ConsoleSmsBackend()
    first = console.send(to="13800138000", body="第一条", idempotency_key="a")
    second = console.send(to="13900139000", body="second", idempotency_key="b")
    assert console.send(to="13800138000", body="第一条", idempotency_key="a") == first

    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["id"], line["to"], line["body"]) for line in lines[:2]] == [
        (first, "13800138000", "第一条"),
        (second, "13900139000", "second"),
    ]


def test_the_console_backend_without_a_folder_only_logs(tmp_path: Path, caplog: Any) -> None:
    with caplog.at_level("INFO"):
        ConsoleSmsBackend(file_dir="").send(to="13800138000", body="hello", idempotency_key="c")
    assert "…8000" in caplog.text
    assert "13800138000" not in caplog.text
    assert not list(tmp_path.iterdir())


# --- the delivery-receipt callback -------------------------------------------------------------------


def post(client: Client, report: Any, *, secret: str = SECRET, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(report).encode()
    return client.post(
        RECEIPTS, data=body, content_type="application/json", headers={HEADER: signature_for(body, secret)}
    )


@pytest.fixture
def sent_sms(db: None, settings: Any) -> Message:
    settings.SMS_CALLBACK_SECRET = SECRET
    settings.SMS_PROVIDER_NAME = "fake"
    message = queued(make_user("receipts@example.com"))
    Message.objects.filter(pk=message.pk).update(
        status="sent", sent_at=message.queued_at, provider="fake", provider_message_id="fake-abc"
    )
    message.refresh_from_db()
    return message


pytestmark_urls = pytest.mark.urls("tests.notifications.urls_with_receipts")


@pytestmark_urls
def test_the_callback_is_at_its_url() -> None:
    assert reverse("notifications_sms:receipts") == RECEIPTS


@pytestmark_urls
def test_a_delivered_report_is_stored_once_however_often_it_comes(client: Client, sent_sms: Message) -> None:
    report = {"receipt_id": "r-1", "message_id": "fake-abc", "status": "delivered"}
    answers = [post(client, report).status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert ProviderReceipt.objects.filter(receipt_id="r-1").count() == 1
    sent_sms.refresh_from_db()
    assert sent_sms.status == "delivered"
    assert sent_sms.delivered_at is not None


@pytestmark_urls
def test_an_undeliverable_report_fails_the_message_with_the_code(client: Client, sent_sms: Message) -> None:
    report = {
        "receipt_id": "r-2",
        "message_id": "fake-abc",
        "status": "undeliverable",
        "error_code": "absent",
    }
    assert post(client, report).status_code == 200
    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.status_reason) == ("failed", "undeliverable:absent")


@pytestmark_urls
def test_a_bad_signature_is_refused_and_nothing_is_stored(
    client: Client, sent_sms: Message, settings: Any
) -> None:
    report = {"receipt_id": "r-3", "message_id": "fake-abc", "status": "delivered"}
    assert post(client, report, secret="not-the-secret").status_code == 403
    body = json.dumps(report).encode()
    assert client.post(RECEIPTS, data=body, content_type="application/json").status_code == 403
    settings.SMS_CALLBACK_SECRET = ""
    assert post(client, report, secret="").status_code == 403  # no secret configured: nothing is trusted
    assert not ProviderReceipt.objects.exists()
    sent_sms.refresh_from_db()
    assert sent_sms.status == "sent"


@pytestmark_urls
@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"receipt_id": "r-4", "status": "delivered"}',
        b'{"receipt_id": 4, "message_id": "fake-abc", "status": "delivered"}',
        b'{"receipt_id": "r 4; drop", "message_id": "fake-abc", "status": "delivered"}',
        b"\xff\xfe",
        b"{" + b'"x": "' + b"a" * 20000 + b'"}',
        # Found by the attack pass: each was a 500, or stored and then a 500 in the admin.
        b'{"receipt_id": "r-5", "message_id": "fake-abc", "status": "delivered", "x": ' + b"1" * 5000 + b"}",
        b"[" * 8000 + b"]" * 8000,
        b'{"receipt_id": "r-6", "message_id": "fake-abc", "status": "delivered", "x": NaN}',
        b'{"receipt_id": "r-7", "message_id": "fake-abc", "status": "delivered", "x": Infinity}',
        b'{"receipt_id": "r-8", "message_id": "fake-abc", "status": "delivered", "x": "\\ud800"}',
        b'{"receipt_id": "r-9", "message_id": "fake-abc", "status": "delivered", "x": "a\\u0000b"}',
    ],
)
def test_a_malformed_report_is_a_400(client: Client, sent_sms: Message, raw: bytes) -> None:
    assert post(client, None, raw=raw).status_code == 400
    assert not ProviderReceipt.objects.exists()


@pytestmark_urls
def test_a_report_for_an_unknown_message_is_kept_and_answered_200(client: Client, sent_sms: Message) -> None:
    report = {"receipt_id": "r-5", "message_id": "fake-unknown", "status": "delivered"}
    response = post(client, report)
    assert response.status_code == 200
    assert response.json() == {"stored": True, "known": False}
    sent_sms.refresh_from_db()
    assert sent_sms.status == "sent"


@pytestmark_urls
def test_the_callback_takes_only_post(client: Client, sent_sms: Message) -> None:
    assert client.get(RECEIPTS).status_code == 405


@pytestmark_urls
@pytest.mark.django_db(transaction=True)
def test_the_fake_provider_posts_duplicate_receipts_to_the_running_site(
    live_server: Any, settings: Any
) -> None:
    settings.SMS_CALLBACK_SECRET = SECRET
    settings.SMS_PROVIDER_NAME = "fake"
    message = queued(make_user("live-receipts@example.com"))
    Message.objects.filter(pk=message.pk).update(
        status="sent", sent_at=message.queued_at, provider="fake", provider_message_id="fake-live"
    )
    with fake_sms_provider() as provider:
        answers = provider.post_receipt(
            f"{live_server.url}{RECEIPTS}",
            message_id="fake-live",
            secret=SECRET,
            receipt_id="r-live",
            times=3,
        )
        forged = provider.post_receipt(
            f"{live_server.url}{RECEIPTS}", message_id="fake-live", secret="wrong", status="undeliverable"
        )

    assert answers == [200, 200, 200]
    assert forged == [403]
    assert ProviderReceipt.objects.count() == 1
    message.refresh_from_db()
    assert message.status == "delivered"
