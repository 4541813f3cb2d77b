"""ComplaintLedger: the application service every process uses to read and change complaints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent, UUIDAsHex

from domain import values
from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.errors import (
    AlreadyExistsError,
    ConcurrentUpdateError,
    NotFoundError,
    RuleViolationError,
    StaleVersionError,
)
from domain.personal_data import PersonalDataRead
from domain.sla import DeadlineKind, SlaPolicy
from domain.survey import RespondentProfile, SurveyResponse
from domain.tracking import (
    TrackingIndex,
    format_tracking_number,
    normalise_tracking_number,
    tracking_aggregate_id,
)
from domain.unit import ServiceUnit, UnitDirectory, unit_aggregate_id
from infra import transcoder as codecs
from infra.personal_keys import PersonalKey, open_personal_keys
from infra.random_bytes import random_bits
from services.access import complaint_not_found, ensure_in_scope, may_see_identity
from services.commands import Command, Step
from services.filing import Filing
from services.group_commit import GroupCommit
from services.personal_data import PersonalData
from services.personal_data_reads import (
    NO_PURPOSE_STATED,
    Shown,
    action_view,
    complainant_fields,
    read_record,
)
from services.principals import (
    COMPLAINANT_ACTOR,
    PUBLIC_ACTOR,
    ComplainantKey,
    Principal,
    Staff,
    hash_access_token,
    new_access_token,
)
from services.time_ordered_ids import time_ordered_id
from services.views import complaint_view, event_view, unit_view

Clock = Callable[[], datetime]
TRACKING_ATTEMPTS = 5
_ENUMS = (
    values.Status, values.Channel, values.Kind, values.RejectReason,
    values.Maladministration, values.ResolutionOutcome, values.Role,
    values.CloseReason, values.WithdrawReason, DeadlineKind,
)  # fmt: skip
_VALUE_OBJECTS = (
    values.Actor, values.Location, values.Complainant, values.SealedComplainant, SlaPolicy,
    RespondentProfile,
)  # fmt: skip


@dataclass(frozen=True)
class FilingDraft:
    complaint: Complaint
    access_token: str
    events: list[Any]
    complainant: values.Complainant | None  # as filed, before sealing
    key: PersonalKey | None  # the key it is sealed with

    @property
    def writes(self) -> list[Any]:
        """What ``write_filings`` takes: the sealing key (if any), then the events."""
        return [self.key, *self.events] if self.key is not None else self.events

    def receipt(self) -> dict[str, Any]:
        """What the filer gets back: the complaint, and its access token (shown once)."""
        view = complaint_view(self.complaint, ComplainantKey(self.access_token), self.complainant)
        return {**view, "access_token": self.access_token}


def tracking_numbers_exhausted() -> ConcurrentUpdateError:
    return ConcurrentUpdateError("Could not allocate a tracking number; try again.")


class ComplaintLedger(Application[UUID]):
    name = "ComplaintLedger"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Complaint: 50}

    def __init__(self, env: Mapping[str, str], calendar: WorkingCalendar, clock: Clock) -> None:
        super().__init__(env)
        self.calendar = calendar
        self.clock = clock
        self._unit_policies: dict[str, SlaPolicy] = {}
        self.personal_data = PersonalData(open_personal_keys(self.env))
        self._filings = GroupCommit(self.write_filings)

    def close(self) -> None:
        super().close()
        self.personal_data.keys.close()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        transcoder.register(UUIDAsHex())
        transcoder.register(codecs.DecimalAsStr())
        transcoder.register(codecs.DatetimeAsISO())
        transcoder.register(codecs.DateAsISO())
        for enum_class in _ENUMS:
            transcoder.register(codecs.EnumAsValue(enum_class))
        for value_class in _VALUE_OBJECTS:
            transcoder.register(codecs.DataclassAsDict(value_class))

    # Units -------------------------------------------------------------------------

    def register_unit(
        self,
        actor: values.Actor,
        unit_id: str,
        name: str,
        parent_id: str | None,
        policy: SlaPolicy,
    ) -> dict[str, Any]:
        if parent_id is not None and not self._unit_exists(parent_id):
            raise RuleViolationError(f"No parent unit {parent_id}.", field="parent_id")
        if self._unit_exists(unit_id):
            raise AlreadyExistsError(f"Unit {unit_id} already exists.", unit_id=unit_id)
        unit = ServiceUnit.register(
            unit_id=unit_id, name=name, parent_id=parent_id, policy=policy, actor=actor
        )
        directory = self._unit_directory()
        directory.add(unit_id)
        try:
            self.save(unit, directory)
        except IntegrityError as error:
            raise ConcurrentUpdateError(
                "Another unit was registered at the same time; try again."
            ) from error
        return unit_view(unit)

    def get_unit(self, unit_id: str) -> dict[str, Any]:
        return unit_view(self._load_unit(unit_id))

    def list_units(self) -> list[dict[str, Any]]:
        return [self.get_unit(unit_id) for unit_id in self.unit_ids()]

    def unit_ids(self) -> list[str]:
        """Every registered unit's id, in the order registered."""
        return list(self._unit_directory().unit_ids)

    def record_survey_response(
        self, unit_id: str, element_set: str, scores: list[int], profile: RespondentProfile
    ) -> UUID:
        self._load_unit(unit_id)
        response = SurveyResponse.record(
            id=uuid4(),
            unit_id=unit_id,
            element_set=element_set,
            scores=scores,
            profile=profile,
            at=self.clock(),
        )
        self.save(response)
        return response.id

    def unit_policy(self, unit_id: str) -> SlaPolicy:
        """Units never change once registered, so their policy is kept after one read."""
        policy = self._unit_policies.get(unit_id)
        if policy is None:
            try:
                policy = self._load_unit(unit_id).policy
            except NotFoundError as error:
                raise RuleViolationError(
                    f"No unit {unit_id}; list units at GET /v1/units.", field="unit_id"
                ) from error
            self._unit_policies[unit_id] = policy
        return policy

    def _unit_exists(self, unit_id: str) -> bool:
        return unit_id in self._unit_policies or bool(
            self.recorder.select_events(unit_aggregate_id(unit_id), limit=1)
        )

    def _load_unit(self, unit_id: str) -> ServiceUnit:
        try:
            unit: ServiceUnit = self.repository.get(unit_aggregate_id(unit_id))
        except AggregateNotFoundError:
            raise NotFoundError(f"No unit {unit_id}.", unit_id=unit_id) from None
        return unit

    def _unit_directory(self) -> UnitDirectory:
        try:
            return self.repository.get(UnitDirectory.ID)
        except AggregateNotFoundError:
            return UnitDirectory.start()

    # Complaints --------------------------------------------------------------------

    def file(self, filing: Filing, principal: Principal) -> dict[str, Any]:
        for _attempt in range(TRACKING_ATTEMPTS):
            draft = self.draft_filing(filing, principal)
            try:
                self._filings.save(*draft.writes)
            except IntegrityError:
                continue  # the random tracking number was taken: draw another
            return draft.receipt()
        raise tracking_numbers_exhausted()

    async def file_async(
        self, filing: Filing, principal: Principal, save: Callable[..., Awaitable[None]]
    ) -> dict[str, Any]:
        """``file`` for an event loop: ``save`` writes the events without blocking it."""
        for _attempt in range(TRACKING_ATTEMPTS):
            draft = self.draft_filing(filing, principal)
            try:
                await save(*draft.writes)
            except IntegrityError:
                continue
            return draft.receipt()
        raise tracking_numbers_exhausted()

    def draft_filing(self, filing: Filing, principal: Principal) -> FilingDraft:
        """The events of a new complaint and its tracking number, not yet saved."""
        access_token = new_access_token()
        actor = principal.actor() if isinstance(principal, Staff) else PUBLIC_ACTOR
        tracking_number = format_tracking_number(random_bits(50))
        at = self.clock()
        complaint_id = time_ordered_id(at)
        complainant = filing.complainant.to_domain() if filing.complainant else None
        sealed, key = None, None
        if complainant is not None:
            sealed, key = self.personal_data.seal(complainant, complaint_id, at)
        complaint = Complaint.file(
            id=complaint_id,
            policy=self.unit_policy(filing.unit_id),
            calendar=self.calendar,
            at=at,
            tracking_number=tracking_number,
            unit_id=filing.unit_id,
            title=filing.title,
            description=filing.description,
            channel=filing.channel,
            kind=filing.kind,
            category=filing.category,
            incident_date=filing.incident_date,
            location=filing.location.to_domain() if filing.location else None,
            anonymous=filing.anonymous,
            confidential=filing.confidential,
            complainant=sealed,
            access_token_hash=hash_access_token(access_token),
            actor=actor,
        )
        index = TrackingIndex.assign(tracking_number, complaint.id)
        events = [*complaint.collect_events(), *index.collect_events()]
        return FilingDraft(complaint, access_token, events, complainant, key)

    def write_filings(self, *writes: Any) -> None:
        """Store filings' sealing keys, then their events: a key is durable before the data
        it opens is (a filing that fails after that leaves an unused key, nothing worse)."""
        keys = [item for item in writes if isinstance(item, PersonalKey)]
        if keys:
            self.personal_data.keys.put(keys)
        # Straight to the event store: ``Application.save`` first checks each event against
        # the library's runtime-checkable protocols, which on Python 3.11 costs about 40 µs
        # an event, and has nothing else to do for events (no aggregates to snapshot).
        self.events.put([item for item in writes if not isinstance(item, PersonalKey)])

    def perform(
        self,
        complaint_id: UUID,
        principal: Principal,
        command: Command,
        expected_version: int | None = None,
        shown: Shown | None = None,
    ) -> dict[str, Any]:
        """Apply ``command``; ``shown`` when the resulting view is shown to the caller (a
        staff member shown personal data is then recorded in the same transaction)."""
        complaint = self._load_complaint(complaint_id)
        ensure_in_scope(principal, complaint)
        if expected_version is not None and expected_version != complaint.version:
            raise StaleVersionError(
                f"The complaint is at version {complaint.version}, not "
                f"{expected_version}; read it again and retry.",
                current_version=complaint.version,
            )
        actor = principal.actor() if isinstance(principal, Staff) else COMPLAINANT_ACTOR
        at = self.clock()
        command.apply(Step(complaint, actor, at, self))
        complainant = self.personal_data.open(complaint.complainant)
        read = None
        if shown is not None:
            fields = complainant_fields(complainant, complaint, principal)
            read = read_record(complaint, principal, action_view(command), shown, at, fields)
        self._save_complaint(complaint, read)
        return complaint_view(complaint, principal, complainant)

    def get_complaint(
        self, complaint_id: UUID, principal: Principal, shown: Shown = NO_PURPOSE_STATED
    ) -> dict[str, Any]:
        complaint = self._load_complaint(complaint_id)
        ensure_in_scope(principal, complaint)
        complainant = self.personal_data.open(complaint.complainant)
        fields = complainant_fields(complainant, complaint, principal)
        self.record_read(complaint, principal, "complaint", shown, fields)
        return complaint_view(complaint, principal, complainant)

    def history(
        self, complaint_id: UUID, principal: Principal, shown: Shown = NO_PURPOSE_STATED
    ) -> list[dict[str, Any]]:
        complaint = self._load_complaint(complaint_id)
        ensure_in_scope(principal, complaint)
        show_identity = may_see_identity(principal, complaint)
        complainant = self.personal_data.open(complaint.complainant) if show_identity else None
        fields = complainant_fields(complainant, complaint, principal)
        self.record_read(complaint, principal, "history", shown, fields)
        return [event_view(e, show_identity, complainant) for e in self.events.get(complaint_id)]

    def record_read(
        self,
        complaint: Complaint,
        principal: Principal,
        view: str,
        shown: Shown,
        fields: list[str],
    ) -> None:
        """Record a staff member shown the complainant's ``fields``, before they are shown;
        reads at the same moment share one commit."""
        read = read_record(complaint, principal, view, shown, self.clock(), fields)
        if read is not None:
            self._filings.save(*read.collect_events())

    def track(self, tracking_number: str, principal: Principal) -> dict[str, Any]:
        number = normalise_tracking_number(tracking_number)
        try:
            index: TrackingIndex = self.repository.get(tracking_aggregate_id(number))
        except AggregateNotFoundError:
            raise NotFoundError(f"No complaint with tracking number {number}.") from None
        complaint = self._load_complaint(index.complaint_id)
        has_key = isinstance(principal, ComplainantKey) and principal.opens(
            complaint.access_token_hash
        )
        if complaint.confidential and not has_key:
            raise NotFoundError(f"No complaint with tracking number {number}.")
        timeline = [
            {"type": type(e).__name__, "at": vars(e)["at"], "actor_role": vars(e)["actor"].role}
            for e in self.events.get(complaint.id)
        ]
        return {
            "tracking_number": complaint.tracking_number,
            "status": complaint.status,
            "kind": complaint.kind,
            "category": complaint.category,
            "unit_id": complaint.unit_id,
            "title": complaint.title,
            "filed_at": complaint.filed_at,
            "timeline": timeline,
        }

    def ensure_complaint_exists(self, complaint_id: UUID) -> None:
        try:
            self._load_complaint(complaint_id)
        except NotFoundError as error:
            raise RuleViolationError(
                f"No complaint {complaint_id} to be a duplicate of.", field="duplicate_of"
            ) from error

    # The clock -----------------------------------------------------------------------

    def apply_time(self, complaint_id: UUID, now: datetime) -> int:
        """Apply deadlines up to ``now`` to one complaint; returns how many events it took."""
        complaint = self._load_complaint(complaint_id)
        complaint.apply_time(now)
        recorded = len(complaint.pending_events)
        if recorded:
            self._save_complaint(complaint)
        return recorded

    def event_fields(self, stored: StoredEvent, *names: str) -> dict[str, Any]:
        """Some fields of a stored event's state, without building the whole event."""
        state = stored.state
        if self.mapper.cipher:
            state = self.mapper.cipher.decrypt(state)
        if self.mapper.compressor:
            state = self.mapper.compressor.decompress(state)
        transcoder = self.mapper.transcoder
        assert isinstance(transcoder, codecs.OrjsonTranscoder)
        return transcoder.decode_fields(state, names)

    def load_complaint(self, complaint_id: UUID) -> Complaint:
        return self._load_complaint(complaint_id)

    def _load_complaint(self, complaint_id: UUID) -> Complaint:
        try:
            complaint: object = self.repository.get(complaint_id)
        except AggregateNotFoundError:
            raise complaint_not_found(complaint_id) from None
        if not isinstance(complaint, Complaint):
            raise complaint_not_found(complaint_id)
        return complaint

    def _save_complaint(self, complaint: Complaint, read: PersonalDataRead | None = None) -> None:
        try:
            self.save(complaint, *([read] if read is not None else []))
        except IntegrityError as error:
            raise ConcurrentUpdateError(
                "The complaint was changed by someone else meanwhile; read it again and retry.",
                complaint_id=str(complaint.id),
            ) from error
