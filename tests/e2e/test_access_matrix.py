"""Access control, route by route: for every (method, path) of the app's route table, the
status each caller gets, asked for real against a seeded ledger.

Callers: no token; a complainant token of another complaint; the target complaint's own
token; each staff role with unit A (the complaint's) and with unit B. A route with no rule
in RULES fails the suite, naming itself. Actions that change state get a target of their
own per caller, so every cell starts from the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from domain.values import Role
from infra.settings import Settings
from services.api.app import create_app
from services.auth import TokenIssuer
from tests.access_world import NO_TOKEN, OTHER_TOKEN, OWN_TOKEN, PRINCIPALS, UNIT_A, World, seed
from tests.support import MutableClock, undocumented_statuses

SECRET = "matrix-secret-" + "m" * 32


def expect(
    staff: int, complainant: int, no_token: int = 401, own: int | None = None, **cells: int
) -> dict[str, int]:
    """Every caller's status: ``staff`` for each staff member, ``complainant`` for both
    complainant tokens (``own`` for the target's own), then ``cells`` by role
    (``officer=404``) or by role and unit (``officer_A=200``), applied in order."""
    table = {
        NO_TOKEN: no_token,
        OTHER_TOKEN: complainant,
        OWN_TOKEN: complainant if own is None else own,
    }
    table.update({name: staff for name in PRINCIPALS if name not in table})
    for key, status in cells.items():
        matching = [name for name in table if name == key or name.startswith(f"{key}_")]
        assert matching, f"no caller {key}"
        table.update(dict.fromkeys(matching, status))
    return table


PUBLIC = expect(staff=200, complainant=200, no_token=200)
STAFF_ONLY = expect(staff=200, complainant=403)
ADMIN_ONLY = expect(staff=403, complainant=403, admin=200)
# A complaint of unit A, routed there: officers and supervisors of unit B do not see it.
COMPLAINT_READ = expect(staff=200, complainant=404, own=200, officer_B=404, supervisor_B=404)
METRICS_OF_UNIT_A = expect(staff=200, complainant=403, officer_B=403, supervisor_B=403)


def action(allowed: tuple[str, ...], routed: bool, own: bool = False) -> dict[str, int]:
    """A complaint action: ``allowed`` callers 200, every other in scope 403, those out of
    scope 404 (officers see only routed complaints; unit B never sees unit A's)."""
    table = expect(staff=403, complainant=404, own=200 if own else 403,
                   officer=403 if routed else 404, officer_B=404, supervisor_B=404)  # fmt: skip
    table.update(dict.fromkeys(allowed, 200))
    return table


COORDINATORS = ("coordinator_A", "coordinator_B")


def promise_step(*allowed: str) -> dict[str, int]:
    table = expect(staff=403, complainant=403)
    table.update(dict.fromkeys(allowed, 200))
    return table


@dataclass(frozen=True)
class Rule:
    expected: dict[str, int]
    target: str = "none"  # what the path names: see World.target
    body: Any = None  # a value, or a callable giving one per request
    query: str = ""
    changes_state: bool = False  # then each caller acts on a target of its own


FILING = {"unit_id": UNIT_A, "title": "Jalan rusak", "description": "Jalan desa berlubang besar."}
C, P = "/v1/complaints/{complaint_id}", "/v1/promises/{promise_id}"
PERIOD = "?from=2026-11-01&to=2026-12-01"
RULES: dict[tuple[str, str], Rule] = {
    **{(method, path): Rule(PUBLIC) for method in ("GET", "HEAD")
       for path in ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")},
    ("GET", "/v1/complaints"): Rule(STAFF_ONLY),
    ("POST", "/v1/complaints"): Rule(expect(staff=201, complainant=201, no_token=201),
                                     body=FILING, changes_state=True),
    ("GET", C): Rule(COMPLAINT_READ, "complaint:forwarded"),
    ("GET", f"{C}/history"): Rule(COMPLAINT_READ, "complaint:forwarded"),
    ("GET", f"{C}/notifications"): Rule(COMPLAINT_READ, "complaint:forwarded"),
    ("POST", f"{C}/verify"): Rule(action(COORDINATORS, routed=False), "complaint:submitted",
                                  changes_state=True),
    ("POST", f"{C}/reject"): Rule(action(COORDINATORS, routed=True), "complaint:forwarded",
                                  body={"reason": "spam"}, changes_state=True),
    ("POST", f"{C}/request-info"): Rule(action(COORDINATORS, routed=False),
                                        "complaint:verified", body={"questions": "Foto KK?"},
                                        changes_state=True),
    ("POST", f"{C}/supplement"): Rule(action((), routed=False, own=True),
                                      "complaint:info_requested",
                                      body={"information": "Foto KK terlampir."},
                                      changes_state=True),
    ("POST", f"{C}/forward"): Rule(action((*COORDINATORS, "officer_A"), routed=True),
                                   "complaint:in_progress", body={"unit_id": "rsud"},
                                   changes_state=True),
    ("POST", f"{C}/respond"): Rule(action(("officer_A",), routed=True), "complaint:forwarded",
                                   body={"message": "Sedang diproses."}, changes_state=True),
    ("POST", f"{C}/resolve"): Rule(action((*COORDINATORS, "officer_A"), routed=True),
                                   "complaint:in_progress",
                                   body={"resolution": "Sudah dicetak.", "outcome": "fixed"},
                                   changes_state=True),
    ("POST", f"{C}/feedback"): Rule(action((), routed=True, own=True), "complaint:resolved",
                                    body={"satisfied": True}, changes_state=True),
    ("POST", f"{C}/reopen"): Rule(action((), routed=True, own=True),
                                  "complaint:resolved_unsatisfied",
                                  body={"reason": "Belum juga jadi."}, changes_state=True),
    ("POST", f"{C}/close"): Rule(action(COORDINATORS, routed=True, own=True),
                                 "complaint:resolved", changes_state=True),
    ("POST", f"{C}/withdraw"): Rule(action((), routed=False, own=True), "complaint:submitted",
                                    changes_state=True),
    ("GET", "/v1/track/{tracking_number}"): Rule(PUBLIC, "complaint:forwarded"),
    ("GET", "/v1/units"): Rule(PUBLIC),
    ("GET", "/health"): Rule(PUBLIC),
    ("HEAD", "/health"): Rule(PUBLIC),
    ("POST", "/v1/units"): Rule(
        expect(staff=403, complainant=403, admin=201),
        body=lambda: {"unit_id": f"unit-{uuid4().hex[:10]}", "name": "Unit baru"},
        changes_state=True,
    ),
    ("GET", "/v1/units/{unit_id}"): Rule(PUBLIC, "unit"),
    ("POST", "/v1/units/{unit_id}/survey-responses"): Rule(
        expect(staff=201, complainant=201, no_token=201), "unit", body={"scores": [3] * 9},
        changes_state=True,
    ),
    ("GET", "/v1/units/{unit_id}/skm"): Rule(PUBLIC, "unit", query=PERIOD),
    ("GET", "/v1/promises"): Rule(PUBLIC),
    ("GET", "/v1/promises/kept"): Rule(PUBLIC),
    ("GET", P): Rule(PUBLIC, "promise:published"),
    ("POST", "/v1/promises"): Rule(
        expect(staff=403, complainant=403, coordinator=201, supervisor_A=201),
        body={"unit_id": UNIT_A, "title": "Antrean daring", "due_date": "2027-03-31",
              "commitment": "Antrean bisa diambil daring.", "answers_categories": ["adminduk"]},
        changes_state=True,
    ),
    ("POST", f"{P}/sign"): Rule(promise_step("supervisor_A"), "promise:draft",
                                body={"signed_by": "Kepala Dinas"}, changes_state=True),
    ("POST", f"{P}/publish"): Rule(promise_step(*COORDINATORS, "supervisor_A"), "promise:signed",
                                   changes_state=True),
    ("POST", f"{P}/progress"): Rule(promise_step(*COORDINATORS, "supervisor_A", "officer_A"),
                                    "promise:published", body={"note": "Sistem diuji."},
                                    changes_state=True),
    ("POST", f"{P}/fulfil"): Rule(promise_step(*COORDINATORS, "supervisor_A"),
                                  "promise:published", body={"evidence": "Tautan antrean."},
                                  changes_state=True),
    ("POST", f"{P}/verify"): Rule(promise_step("auditor_A", "auditor_B"), "promise:fulfilled",
                                  body={"kept": True, "note": "Sudah dicek."},
                                  changes_state=True),
    ("GET", "/v1/projections"): Rule(STAFF_ONLY),
    ("GET", "/v1/metrics/summary"): Rule(METRICS_OF_UNIT_A, query=f"{PERIOD}&unit_id={UNIT_A}"),
    ("GET", "/v1/metrics/units"): Rule(STAFF_ONLY, query=PERIOD),
    ("GET", "/v1/metrics/timeseries"): Rule(METRICS_OF_UNIT_A,
                                            query=f"{PERIOD}&unit_id={UNIT_A}"),
    ("GET", "/v1/metrics/aging"): Rule(METRICS_OF_UNIT_A, query=f"?unit_id={UNIT_A}"),
    ("POST", "/v1/webhooks"): Rule(
        expect(staff=403, complainant=403, admin=201),
        body={"url": "https://hooks.example.id/a", "event_types": ["*"], "secret": "s" * 20},
        changes_state=True,
    ),
    ("GET", "/v1/webhooks"): Rule(ADMIN_ONLY),
    ("DELETE", "/v1/webhooks/{webhook_id}"): Rule(
        expect(staff=403, complainant=403, admin=204), "webhook", changes_state=True
    ),
    ("GET", "/v1/audit/events"): Rule(expect(staff=403, complainant=403, auditor=200, admin=200)),
    ("POST", "/v1/complainants/{ref}/erase"): Rule(
        ADMIN_ONLY, "sealed", body={"reason": "Permintaan pemohon"}, changes_state=True
    ),
    ("GET", f"{C}/receipt"): Rule(COMPLAINT_READ, "complaint:forwarded"),
    ("GET", "/v1/ledger/checkpoint"): Rule(PUBLIC, "tree"),
    ("GET", "/v1/ledger/public-key"): Rule(PUBLIC),
    ("GET", "/v1/ledger/leaves/{index}"): Rule(PUBLIC, "tree"),
    ("GET", "/v1/ledger/proof/inclusion"): Rule(PUBLIC, "tree", query="?index=0"),
    ("GET", "/v1/ledger/proof/consistency"): Rule(PUBLIC, "tree", query="?first=1&second=2"),
}  # fmt: skip


def route_table() -> list[tuple[str, str]]:
    """Every (method, path) the app serves, read from its route table."""
    app = create_app(Settings(database_url="sqlite:///unused.db", secret_key=SECRET))
    return sorted(
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        for method in route.methods or ()
        if route.path is not None
    )


ROUTES = route_table()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(database_url=f"sqlite:///{path}/matrix.db", secret_key=SECRET,
                        tick_seconds=3600, ledger_signing_key_file=path / "ledger.key")  # fmt: skip
    with TestClient(create_app(settings, MutableClock().now)) as client:
        yield seed(client)


def request(world: World, method: str, path: str, rule: Rule, principal: str) -> int:
    target = world.target(rule.target, fresh=rule.changes_state)
    url = path.format(**target.params) + rule.query
    body = rule.body() if callable(rule.body) else rule.body
    headers = world.headers_of(principal, target)
    response = world.client.request(method, url, json=body, headers=headers)
    if response.status_code >= 400 and method != "HEAD":
        assert isinstance(response.json()["code"], str), response.text  # errors are JSON
    status: int = response.status_code
    return status


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_each_caller_gets_the_status_its_rule_says(world: World, method: str, path: str) -> None:
    rule = RULES.get((method, path))
    if rule is None:
        pytest.fail(
            f"{method} {path} has no access rule: add one to RULES in {Path(__file__).name}",
            pytrace=False,
        )
    actual = {principal: request(world, method, path, rule, principal) for principal in PRINCIPALS}
    wrong = {p: f"{actual[p]} (expected {rule.expected[p]})"
             for p in PRINCIPALS if actual[p] != rule.expected[p]}  # fmt: skip
    assert wrong == {}
    undocumented = undocumented_statuses(world.client.app, method, path, actual.values())
    assert not undocumented, f"{method} {path} answers {undocumented}, not in its OpenAPI entry"


API_ROUTES = [(method, path) for method, path in ROUTES if path.startswith("/v1/")]
FORGED_ADMIN = TokenIssuer("another-secret-" + "x" * 32, timedelta(hours=1)).issue(
    Role.ADMIN, "forger", [], datetime.now(UTC)
)


@pytest.mark.parametrize("bad_token", [FORGED_ADMIN, "garbage"], ids=["forged", "garbage"])
@pytest.mark.parametrize(("method", "path"), API_ROUTES, ids=[f"{m} {p}" for m, p in API_ROUTES])
def test_a_bad_bearer_token_is_401_on_every_route(
    world: World, method: str, path: str, bad_token: str
) -> None:
    rule = RULES[(method, path)]
    target = world.target(rule.target, fresh=rule.changes_state)
    body = rule.body() if callable(rule.body) else rule.body
    response = world.client.request(
        method,
        path.format(**target.params) + rule.query,
        json=body,
        headers={"Authorization": f"Bearer {bad_token}"},
    )
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_every_rule_is_for_a_route_the_app_has() -> None:
    assert sorted(set(RULES) - set(ROUTES)) == []


def test_every_rule_says_what_each_caller_gets() -> None:
    incomplete = [key for key, rule in RULES.items() if set(rule.expected) != set(PRINCIPALS)]
    assert incomplete == []
    assert len(PRINCIPALS) == 13


def test_a_route_without_a_rule_is_named_by_the_matrix(world: World) -> None:
    """What the suite does when a route is added and no rule is given for it."""
    with pytest.raises(pytest.fail.Exception, match=r"GET /v1/new-thing has no access rule"):
        test_each_caller_gets_the_status_its_rule_says(world, "GET", "/v1/new-thing")
