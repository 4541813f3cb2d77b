"""What the notifier asks the ledger (never Kafka, which carries no personal data): a
complaint's tracking number, status, unit and the complainant's contacts, as of the event
being notified, so that a redelivered event always yields the same recipients."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import project_aggregate

from domain.complaint import Complaint
from domain.errors import NotFoundError
from domain.values import Complainant
from infra.cloudevents import event_id
from services.ledger import ComplaintLedger
from services.notifications.rules import ComplaintFacts


class LedgerFacts:
    def __init__(self, ledger: ComplaintLedger) -> None:
        self._ledger = ledger
        self._unit_names: dict[str, str] = {}  # units never change once registered

    def of(self, complaint_id: UUID, cloud_event_id: str) -> ComplaintFacts:
        """The complaint as of the event with ``cloud_event_id``; NotFoundError when this
        ledger has no such event."""
        complaint = self._as_of(complaint_id, cloud_event_id)
        if not isinstance(complaint, Complaint):
            raise NotFoundError(f"{complaint_id} is not a complaint.")
        contact = self._ledger.personal_data.open(complaint.complainant)
        if not isinstance(contact, Complainant):
            contact = None  # none given, or erased
        return ComplaintFacts(
            tracking_number=complaint.tracking_number,
            status=str(complaint.status),
            unit_id=complaint.unit_id,
            unit_name=self._unit_name(complaint.unit_id),
            email=contact.email if contact else None,
            phone=contact.phone if contact else None,
        )

    def _as_of(self, complaint_id: UUID, cloud_event_id: str) -> object:
        """The aggregate up to the event with that id, from one read of its events (a
        CloudEvent id is uuid5 of the aggregate id and version)."""
        stored = self._ledger.recorder.select_events(complaint_id)
        for count, item in enumerate(stored, start=1):
            if str(event_id(complaint_id, item.originator_version)) == cloud_event_id:
                mapper = self._ledger.mapper
                return project_aggregate(None, map(mapper.to_domain_event, stored[:count]))
        raise NotFoundError(
            f"The ledger has no event {cloud_event_id} of complaint {complaint_id}."
        )

    def _unit_name(self, unit_id: str) -> str:
        name = self._unit_names.get(unit_id)
        if name is None:
            name = str(self._ledger.get_unit(unit_id)["name"])
            self._unit_names[unit_id] = name
        return name
