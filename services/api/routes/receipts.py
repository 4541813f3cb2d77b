"""A complaint's receipt: where each of its events is in the verifiable log, with
inclusion proofs against the latest checkpoint."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from services.access import ensure_in_scope
from services.api.deps import Ledger, LedgerProofsDep, RequiredPrincipal
from services.api.error_docs import errors
from services.api.ledger_schemas import ReceiptOut

router = APIRouter(prefix="/v1/complaints", tags=["ledger"])


@router.get(
    "/{complaint_id}/receipt",
    response_model=ReceiptOut,
    summary="The complaint's events in the verifiable log, with inclusion proofs",
    responses=errors(404),
)
def receipt(
    complaint_id: UUID, ledger: Ledger, proofs: LedgerProofsDep, principal: RequiredPrincipal
) -> dict[str, Any]:
    ensure_in_scope(principal, ledger.load_complaint(complaint_id))
    return proofs.receipt(complaint_id)
