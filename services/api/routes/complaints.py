"""Filing, reading and acting on complaints."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Body, Header, Request, Response, status

from domain.errors import RuleViolationError
from domain.values import Action
from services.api.deps import (
    OPTIONAL_BEARER,
    Ledger,
    RequiredPrincipal,
    ShownToCaller,
    optional_principal_of,
)
from services.api.error_docs import errors
from services.api.json_body import json_body_doc, parse_json_body
from services.api.schemas import ComplaintOut, FiledComplaintOut, HistoryEventOut
from services.commands import COMMANDS, Command
from services.filing import Filing

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The version you read (its ETag, e.g. "3"); a stale one gets 412.',
    ),
]

ACTION_SUMMARIES = {
    Action.VERIFY: "Verify a submitted complaint (coordinator)",
    Action.REJECT: "Reject with a reason (coordinator)",
    Action.REQUEST_INFO: "Ask the complainant for more information (coordinator)",
    Action.SUPPLEMENT: "Supply the requested information (complainant)",
    Action.FORWARD: "Route to the responsible unit, or re-route (coordinator, officer)",
    Action.RESPOND: "Post the unit's response (officer of the current unit)",
    Action.RESOLVE: "Resolve with a stated result (officer, coordinator)",
    Action.FEEDBACK: "Say whether the resolution satisfies (complainant)",
    Action.REOPEN: "Reopen after unsatisfied feedback (complainant)",
    Action.CLOSE: "Close a resolved complaint (complainant, coordinator)",
    Action.WITHDRAW: "Withdraw the complaint (complainant)",
}


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()):
        raise RuleViolationError('If-Match must be a version ETag such as "3".', field="If-Match")
    return int(text)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FiledComplaintOut,
    summary="File a complaint (public)",
    openapi_extra={**json_body_doc(Filing), "security": OPTIONAL_BEARER},
)
async def file_complaint(request: Request) -> Response:
    # The hot path, kept lean: no dependencies to solve, the body parsed and validated in
    # one step from its bytes, and the ledger's receipt (exactly FiledComplaintOut)
    # serialised once.
    principal = optional_principal_of(request)
    filing = parse_json_body(Filing, await request.body())
    state = request.app.state
    filed = await state.ledger.file_async(filing, principal, state.filing_commit.save)
    return Response(
        orjson.dumps(filed, option=orjson.OPT_UTC_Z),
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers={"ETag": etag(filed["version"]), "Location": f"/v1/complaints/{filed['id']}"},
    )


@router.get(
    "/{complaint_id}",
    response_model=ComplaintOut,
    summary="Read a complaint",
    responses=errors(404),
)
def get_complaint(
    complaint_id: UUID,
    ledger: Ledger,
    principal: RequiredPrincipal,
    shown: ShownToCaller,
    response: Response,
) -> dict[str, Any]:
    complaint = ledger.get_complaint(complaint_id, principal, shown)
    response.headers["ETag"] = etag(complaint["version"])
    return complaint


@router.get(
    "/{complaint_id}/history",
    response_model=list[HistoryEventOut],
    summary="Every event of a complaint, in order",
    responses=errors(404),
)
def get_history(
    complaint_id: UUID, ledger: Ledger, principal: RequiredPrincipal, shown: ShownToCaller
) -> list[dict[str, Any]]:
    return ledger.history(complaint_id, principal, shown)


def _action_route(action: Action, command_class: type[Command]) -> Callable[..., Any]:
    def act(
        complaint_id: UUID,
        ledger: Ledger,
        principal: RequiredPrincipal,
        response: Response,
        shown: ShownToCaller,
        if_match: IfMatch = None,
        command: Command | None = None,
    ) -> dict[str, Any]:
        expected_version = parse_if_match(if_match)
        updated = ledger.perform(
            complaint_id, principal, command or command_class(), expected_version, shown
        )
        response.headers["ETag"] = etag(updated["version"])
        return updated

    # The body's schema is this action's command; it may be left out when nothing in it
    # is required (verify, close, withdraw).
    body_required = any(field.is_required() for field in command_class.model_fields.values())
    signature = inspect.signature(act)
    body = signature.parameters["command"].replace(
        annotation=Annotated[command_class, Body()]
        if body_required
        else Annotated[command_class | None, Body()],
        default=inspect.Parameter.empty if body_required else None,
    )
    parameters = [p for name, p in signature.parameters.items() if name != "command"]
    if body_required:
        parameters.insert(5, body)  # before the defaulted If-Match header
    else:
        parameters.append(body)
    act.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    act.__name__ = f"{action.value.replace('-', '_')}_complaint"
    return act


for _action, _command_class in COMMANDS.items():
    router.add_api_route(
        f"/{{complaint_id}}/{_action.value}",
        _action_route(_action, _command_class),
        methods=["POST"],
        response_model=ComplaintOut,
        summary=ACTION_SUMMARIES[_action],
        responses=errors(403, 404, 409, 412),
    )
