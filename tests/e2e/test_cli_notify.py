"""`aduan notify --once` on the embedded default: no Kafka, the ledger's own log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.settings import Settings
from services.cli import main
from services.composition import build_ledger
from services.filing import ComplainantIn
from tests.notify_support import SmtpSink, smtp_server
from tests.support import file_complaint

ADMIN = Actor("admin-test", Role.ADMIN)


@pytest.fixture
def smtp(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        monkeypatch.setenv("ADUAN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ADUAN_SMTP_PORT", str(sink.port))
        monkeypatch.delenv("ADUAN_KAFKA_BOOTSTRAP", raising=False)
        yield sink


def test_notify_once_sends_what_the_log_calls_for_and_says_how_much(
    cli_env: Settings, smtp: SmtpSink, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = build_ledger(cli_env)
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    for address in ("siti@example.id", "budi@example.id"):
        file_complaint(ledger, complainant=ComplainantIn(name="Siti", email=address))
    ledger.close()

    assert main(["notify", "--once"]) == 0
    assert main(["notify", "--once"]) == 0

    first, second = capsys.readouterr().out.splitlines()
    where = f"the log of {cli_env.database_url}"
    assert first == f"7 events from {where}: 2 notifications sent, 0 dead-lettered"
    assert second == f"0 events from {where}: 0 notifications sent, 0 dead-lettered"
    assert sorted(str(m["To"]) for m in smtp.messages) == ["budi@example.id", "siti@example.id"]
