"""A seeded ledger for the access-control matrix: two units (A and B), complaints of unit A
in every state an action needs, promises of unit A in every state, and every kind of
caller: no token, a complainant token (the target's own, or another complaint's), and each
staff role with unit A and with unit B."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient

from domain.sla import SlaPolicy
from domain.values import ResolutionOutcome, Role
from services import commands
from services.composition import build_tree_follower
from services.filing import ComplainantIn, Filing
from services.ledger import ComplaintLedger
from services.principals import ComplainantKey, Principal, Staff
from services.promises import Fulfil, PromiseDesk, PromiseDraft, Sign

UNIT_A, UNIT_B = "disdukcapil", "rsud"
UNITS = {"A": UNIT_A, "B": UNIT_B}
STAFF_ROLES = ("coordinator", "officer", "supervisor", "auditor", "admin")
NO_TOKEN, OTHER_TOKEN, OWN_TOKEN = "no_token", "other_token", "own_token"
# Every caller of the matrix: officer_A is an officer of unit A, and so on.
PRINCIPALS = (
    NO_TOKEN, OTHER_TOKEN, OWN_TOKEN,
    *(f"{role}_{unit}" for role in STAFF_ROLES for unit in UNITS),
)  # fmt: skip
SEED_COORDINATOR = Staff("seed-coordinator", Role.COORDINATOR)
SEED_OFFICER = Staff("seed-officer", Role.OFFICER, frozenset({UNIT_A}))
SEED_SUPERVISOR = Staff("seed-supervisor", Role.SUPERVISOR, frozenset({UNIT_A}))
DUE = date(2027, 3, 31)

Step = tuple[str, Any]  # who ("staff", "officer" or "complainant") and the command
COMPLAINT_STEPS: dict[str, list[Step]] = {
    "submitted": [],
    "verified": [("staff", commands.Verify())],
    "info_requested": [("staff", commands.RequestInfo(questions="Mohon foto KK."))],
    "forwarded": [("staff", commands.Verify()), ("staff", commands.Forward(unit_id=UNIT_A))],
}
COMPLAINT_STEPS["in_progress"] = [
    *COMPLAINT_STEPS["forwarded"],
    ("officer", commands.Respond(message="Sedang diproses.")),
]
COMPLAINT_STEPS["resolved"] = [
    *COMPLAINT_STEPS["in_progress"],
    ("officer", commands.Resolve(resolution="KTP-el dicetak.", outcome=ResolutionOutcome.FIXED)),
]
COMPLAINT_STEPS["resolved_unsatisfied"] = [
    *COMPLAINT_STEPS["resolved"],
    ("complainant", commands.Feedback(satisfied=False)),
]
PROMISE_STEPS = ("draft", "signed", "published", "fulfilled")


@dataclass(frozen=True)
class Target:
    """What a request's path names, and the token of the complaint it is about (if any)."""

    params: dict[str, str]
    own_token: str | None = None


@dataclass
class World:
    client: TestClient
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    shared: dict[str, Target] = field(default_factory=dict)

    @property
    def ledger(self) -> ComplaintLedger:
        ledger: ComplaintLedger = self.client.app.state.ledger  # type: ignore[attr-defined]
        return ledger

    def target(self, kind: str, fresh: bool) -> Target:
        """A target of ``kind`` (``complaint:forwarded``, ``promise:draft``, ``webhook``,
        ``unit``, ``sealed`` (a complainant's sealed data), ``tree``, ``none``): made anew
        when ``fresh``, else the one all reads share."""
        if not fresh and kind in self.shared:
            return self.shared[kind]
        made = self._make(kind)
        if not fresh:
            self.shared[kind] = made
        return made

    def headers_of(self, principal: str, target: Target) -> dict[str, str]:
        if principal == OWN_TOKEN:
            token = target.own_token or self.headers[OTHER_TOKEN]["X-Access-Token"]
            return {"X-Access-Token": token}
        return self.headers[principal]

    def _make(self, kind: str) -> Target:
        family, _, state = kind.partition(":")
        makers: dict[str, Callable[[str], Target]] = {
            "complaint": self._complaint,
            "promise": self._promise,
            "webhook": lambda _state: self._webhook(),
            "sealed": lambda _state: self._sealed_complainant(),
            "tree": lambda _state: self._tree(),
            "unit": lambda _state: Target({"unit_id": UNIT_A}),
            "none": lambda _state: Target({}),
        }
        return makers[family](state)

    def _complaint(self, state: str) -> Target:
        receipt = file_complaint(self.ledger)
        complaint_id, token = receipt["id"], receipt["access_token"]
        actors: dict[str, Principal] = {
            "staff": SEED_COORDINATOR, "officer": SEED_OFFICER,
            "complainant": ComplainantKey(token),
        }  # fmt: skip
        for who, command in COMPLAINT_STEPS[state]:
            self.ledger.perform(complaint_id, actors[who], command)
        params = {"complaint_id": str(complaint_id), "tracking_number": receipt["tracking_number"]}
        return Target(params, token)

    def _promise(self, state: str) -> Target:
        desk = PromiseDesk(self.ledger)
        draft = PromiseDraft(unit_id=UNIT_A, title="Antrean daring", due_date=DUE,
                             commitment="Antrean KTP-el bisa diambil daring.",
                             answers_categories=["adminduk"])  # fmt: skip
        promise_id = desk.draft(SEED_SUPERVISOR, draft)["id"]
        steps = [("sign", Sign(signed_by="Kepala Dinas")), ("publish", None),
                 ("fulfil", Fulfil(evidence="Tautan antrean daring."))]  # fmt: skip
        for action, body in steps[: PROMISE_STEPS.index(state)]:
            desk.act(promise_id, SEED_SUPERVISOR, action, body)
        self.client.app.state.projections.catch_up()  # type: ignore[attr-defined]
        return Target({"promise_id": str(promise_id)})

    def _sealed_complainant(self) -> Target:
        complaint = self.ledger.get_complaint(file_complaint(self.ledger)["id"], SEED_COORDINATOR)
        return Target({"ref": complaint["complainant_ref"]})

    def _tree(self) -> Target:
        """The verifiable log brought up to the end of the log, with a checkpoint."""
        settings = self.client.app.state.settings  # type: ignore[attr-defined]
        build_tree_follower(settings, self.ledger).catch_up()
        return Target({"index": "0"})

    def _webhook(self) -> Target:
        webhooks = self.client.app.state.webhooks  # type: ignore[attr-defined]
        registered = webhooks.register(
            "https://hooks.example.id/aduan", ["*"], None, "rahasia-webhook-" + "w" * 16, "seed"
        )
        return Target({"webhook_id": registered["id"]})


def file_complaint(ledger: ComplaintLedger) -> dict[str, Any]:
    filing = Filing(
        unit_id=UNIT_A,
        title="KTP-el belum jadi",
        description="Sudah tiga bulan KTP-el saya belum dicetak.",
        complainant=ComplainantIn(name="Siti Aminah", phone="081234567890"),
    )
    return ledger.file(filing, None)


def seed(client: TestClient) -> World:
    """Units A and B, and a token for every caller."""
    ledger: ComplaintLedger = client.app.state.ledger  # type: ignore[attr-defined]
    admin = Staff("seed-admin", Role.ADMIN)
    for unit_id in (UNIT_A, UNIT_B):
        ledger.register_unit(admin.actor(), unit_id, unit_id.upper(), None, SlaPolicy())
    world = World(client)
    issuer = client.app.state.token_issuer  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    for role in STAFF_ROLES:
        for letter, unit_id in UNITS.items():
            token = issuer.issue(Role(role), f"{role}-{letter}", [unit_id], now)
            world.headers[f"{role}_{letter}"] = {"Authorization": f"Bearer {token}"}
    world.headers[NO_TOKEN] = {}
    other = file_complaint(ledger)
    world.headers[OTHER_TOKEN] = {"X-Access-Token": other["access_token"]}
    return world
