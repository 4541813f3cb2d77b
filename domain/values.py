"""Value types shared by the aggregates and their events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    VERIFIED = "verified"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.WITHDRAWN})


class Channel(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    WALK_IN = "walk_in"
    SOCIAL_MEDIA = "social_media"
    LETTER = "letter"


class Kind(StrEnum):
    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi"


class RejectReason(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    UNCLEAR = "unclear"
    DUPLICATE = "duplicate"
    SPAM = "spam"
    NOT_OUR_AUTHORITY = "not_our_authority"


class Maladministration(StrEnum):
    """Ombudsman RI maladministration types (Peraturan ORI 26/2017, 48/2020)."""

    PENUNDAAN_BERLARUT = "penundaan_berlarut"
    PENYIMPANGAN_PROSEDUR = "penyimpangan_prosedur"
    TIDAK_MEMBERIKAN_PELAYANAN = "tidak_memberikan_pelayanan"
    TIDAK_KOMPETEN = "tidak_kompeten"
    PENYALAHGUNAAN_WEWENANG = "penyalahgunaan_wewenang"
    PERMINTAAN_IMBALAN = "permintaan_imbalan"
    DISKRIMINASI = "diskriminasi"
    TIDAK_PATUT = "tidak_patut"
    BERPIHAK = "berpihak"
    KONFLIK_KEPENTINGAN = "konflik_kepentingan"


class ResolutionOutcome(StrEnum):
    """What a resolution achieved: fixed is counted apart from merely answered."""

    FIXED = "fixed"
    EXPLAINED = "explained"
    NOT_SUBSTANTIATED = "not_substantiated"


class Role(StrEnum):
    COMPLAINANT = "complainant"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN})
UNIT_SCOPED_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


class Action(StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    REQUEST_INFO = "request-info"
    SUPPLEMENT = "supplement"
    FORWARD = "forward"
    RESPOND = "respond"
    RESOLVE = "resolve"
    FEEDBACK = "feedback"
    REOPEN = "reopen"
    CLOSE = "close"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Actor:
    """Who acted: a staff subject, the complainant, or the system clock."""

    id: str
    role: Role


SYSTEM_CLOCK = Actor(id="system:clock", role=Role.SYSTEM)


@dataclass(frozen=True)
class Location:
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Complainant:
    """The complainant's personal data: carried by the Filed event and nowhere else."""

    name: str
    nik: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SealedComplainant:
    """The complainant's personal data as the Filed event carries it: encrypted with a key
    of its own, kept outside the ledger and named by ``ref``. Destroying that key erases the
    data for good, while the event itself stays exactly as it was written."""

    ref: str
    ciphertext: str


class CloseReason(StrEnum):
    SATISFIED = "satisfied"
    CONFIRMED = "confirmed"
    FEEDBACK_WINDOW_EXPIRED = "feedback_window_expired"


class WithdrawReason(StrEnum):
    BY_COMPLAINANT = "by_complainant"
    INFO_WINDOW_EXPIRED = "info_window_expired"
