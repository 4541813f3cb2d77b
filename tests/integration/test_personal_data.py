"""Personal data sealed with a key of its own, on SQLite and PostgreSQL: never in clear in
the log, readable while the key lives, erased everywhere once it is destroyed, while every
stored event stays byte for byte as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.calendar import WorkingCalendar
from domain.errors import AlreadyExistsError, NotFoundError, RuleViolationError
from domain.sla import SlaPolicy
from domain.values import Role
from infra.cloudevents import event_id
from infra.event_store import persistence_env, sqlite_path
from infra.settings import Settings
from services.composition import build_tree_follower, build_verifier
from services.erasure import erase_personal_data
from services.filing import ComplainantIn
from services.ledger import ComplaintLedger
from services.notifications.facts import LedgerFacts
from services.principals import Staff
from services.projection_host import ProjectionHost, open_view_store
from services.simulation.people import ADMIN
from tests.support import MutableClock, file_complaint

SITI = ComplainantIn(
    name="Siti Aminah", nik="3205123456780001", phone="081234567890",
    email="siti@example.id", address="Jl. Mawar No. 7, Garut",
)  # fmt: skip
PERSONAL: list[str] = list(vars(SITI).values())  # name, NIK, phone, email, address
COORDINATOR = Staff("koordinator", Role.COORDINATOR)


def stored_rows(ledger: ComplaintLedger) -> list[tuple[int, Any, int, str, bytes]]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
        for n in ledger.recorder.select_notifications(0, 10_000, inclusive_of_start=False)
    ]


def test_the_log_holds_the_complainant_only_sealed_and_staff_still_read_it(
    unit_ledger: ComplaintLedger,
) -> None:
    filed = file_complaint(unit_ledger, complainant=SITI)

    rows = stored_rows(unit_ledger)
    complaint = unit_ledger.get_complaint(filed["id"], COORDINATOR)

    for value in PERSONAL:
        assert all(value.encode() not in state for *_, state in rows), value
    assert complaint["complainant"]["nik"] == SITI.nik
    assert complaint["complainant_ref"] and complaint["complainant_erased"] is False
    assert filed["complainant"]["email"] == SITI.email  # the filer's receipt


def test_erasing_makes_the_data_unreadable_everywhere_and_leaves_every_event_as_written(
    unit_ledger: ComplaintLedger,
) -> None:
    filed = file_complaint(unit_ledger, complainant=SITI)
    ref = unit_ledger.get_complaint(filed["id"], COORDINATOR)["complainant_ref"]
    before = stored_rows(unit_ledger)

    erased = erase_personal_data(unit_ledger, ref, ADMIN, "Permintaan pemohon 2 Des 2026")

    after = stored_rows(unit_ledger)
    complaint = unit_ledger.get_complaint(filed["id"], COORDINATOR)
    (filed_event, *_) = unit_ledger.history(filed["id"], COORDINATOR)
    facts = LedgerFacts(unit_ledger).of(filed["id"], str(event_id(filed["id"], 1)))
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1][3].endswith("PersonalDataErasure.Recorded")
    assert (erased["complaint_id"], erased["erased_by"]) == (filed["id"], ADMIN.id)
    assert complaint["complainant"] is None and complaint["complainant_erased"] is True
    assert filed_event["data"]["complainant"] == "erased"
    assert (facts.email, facts.phone) == (None, None)
    assert unit_ledger.personal_data.keys.find(ref).key is None  # type: ignore[union-attr]


def test_the_destroyed_key_is_gone_from_the_sqlite_key_files(tmp_path: Path) -> None:
    env = persistence_env(Settings(database_url=f"sqlite:///{tmp_path}/aduan.db"))
    ledger = ComplaintLedger(env, WorkingCalendar(), MutableClock().now)
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    filed = file_complaint(ledger, complainant=SITI)
    ref = ledger.get_complaint(filed["id"], COORDINATOR)["complainant_ref"]
    key = ledger.personal_data.keys.find(ref).key  # type: ignore[union-attr]
    assert key is not None
    assert any(key in f.read_bytes() for f in tmp_path.glob("aduan.keys.db*"))

    erase_personal_data(ledger, ref, ADMIN, "Permintaan pemohon")

    assert not any(key in f.read_bytes() for f in tmp_path.iterdir())  # nor in a WAL
    ledger.close()


def test_erasure_needs_a_reason_a_known_reference_and_happens_once(
    unit_ledger: ComplaintLedger,
) -> None:
    filed = file_complaint(unit_ledger, complainant=SITI)
    ref = unit_ledger.get_complaint(filed["id"], COORDINATOR)["complainant_ref"]
    erase_personal_data(unit_ledger, ref, ADMIN, "Permintaan pemohon")

    with pytest.raises(AlreadyExistsError):
        erase_personal_data(unit_ledger, ref, ADMIN, "Sekali lagi")
    with pytest.raises(NotFoundError):
        erase_personal_data(unit_ledger, "0" * 32, ADMIN, "Tidak ada")
    other = file_complaint(unit_ledger, complainant=SITI)
    other_ref = unit_ledger.get_complaint(other["id"], COORDINATOR)["complainant_ref"]
    with pytest.raises(RuleViolationError):
        erase_personal_data(unit_ledger, other_ref, ADMIN, "   ")
    assert unit_ledger.get_complaint(other["id"], COORDINATOR)["complainant"]["name"] == SITI.name


def test_an_anonymous_filing_without_personal_data_has_nothing_to_seal(
    unit_ledger: ComplaintLedger,
) -> None:
    filed = file_complaint(unit_ledger, complainant=None, anonymous=True)

    complaint = unit_ledger.get_complaint(filed["id"], COORDINATOR)

    assert complaint["complainant"] is None and complaint["complainant_ref"] is None
    assert complaint["complainant_erased"] is False
    assert isinstance(filed["id"], UUID)


def test_after_an_erasure_the_ledger_still_verifies(
    unit_ledger: ComplaintLedger, store_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=store_url, ledger_signing_key_file=tmp_path / "ledger.key")
    filed = file_complaint(unit_ledger, complainant=SITI)
    build_tree_follower(settings, unit_ledger).catch_up()
    ref = unit_ledger.get_complaint(filed["id"], COORDINATOR)["complainant_ref"]

    erase_personal_data(unit_ledger, ref, ADMIN, "Permintaan pemohon")
    build_tree_follower(settings, unit_ledger).catch_up()
    report = build_verifier(settings, unit_ledger).run()

    assert report.problem is None
    assert report.leaves == len(stored_rows(unit_ledger)) and report.checkpoints >= 1


def test_no_read_model_holds_personal_data(unit_ledger: ComplaintLedger, store_url: str) -> None:
    file_complaint(unit_ledger, complainant=SITI)
    named = file_complaint(unit_ledger, complainant=SITI, title="Surat pindah belum terbit")
    unit_ledger.get_complaint(named["id"], COORDINATOR)  # a recorded read, in the audit view
    store = open_view_store(sqlite_path(store_url), store_url)
    ProjectionHost(unit_ledger, store).catch_up()

    tables = [name for (name,) in store.query(TABLES_QUERY[sqlite_path(store_url) is None])]
    text = "\n".join(str(store.query(f"SELECT * FROM {table}")) for table in tables)
    store.close()

    assert "complaints_view" in tables and "Surat pindah belum terbit" in text  # rows are there
    assert [value for value in PERSONAL if value in text] == []


TABLES_QUERY = {
    False: "SELECT name FROM sqlite_master WHERE type = 'table'",
    True: "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
}
