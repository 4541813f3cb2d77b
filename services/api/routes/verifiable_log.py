"""The verifiable log, public so that anyone can audit it: signed checkpoints, the public
key, leaves, and inclusion and consistency proofs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from services.api.deps import LedgerProofsDep
from services.api.error_docs import errors
from services.api.ledger_schemas import ConsistencyProofOut, InclusionProofOut, LeafOut

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])
TreeSize = Annotated[int, Query(ge=1, le=2**62, description="A tree size (a number of leaves)")]


@router.get(
    "/checkpoint",
    response_model=str,
    response_class=PlainTextResponse,
    summary="The latest signed checkpoint (C2SP tlog-checkpoint), or that of tree_size",
    responses=errors(404),
)
def checkpoint(proofs: LedgerProofsDep, tree_size: TreeSize | None = None) -> str:
    return proofs.checkpoint(tree_size).note


@router.get(
    "/public-key",
    response_model=str,
    response_class=PlainTextResponse,
    summary="The log's note verifier key (name+hash+base64)",
)
def public_key(proofs: LedgerProofsDep) -> str:
    return proofs.verifier.text + "\n"


@router.get(
    "/leaves/{index}",
    response_model=LeafOut,
    summary="A leaf: its input and hash",
    responses=errors(404),
)
def leaf(proofs: LedgerProofsDep, index: Annotated[int, Path(ge=0, le=2**62)]) -> dict[str, Any]:
    return proofs.leaf(index)


@router.get(
    "/proof/inclusion",
    response_model=InclusionProofOut,
    summary="Inclusion proof of a leaf in the tree of tree_size (default: the latest checkpoint's)",
    responses=errors(404),
)
def inclusion_proof(
    proofs: LedgerProofsDep,
    index: Annotated[int, Query(ge=0, le=2**62)],
    tree_size: TreeSize | None = None,
) -> dict[str, Any]:
    return proofs.inclusion(index, tree_size)


@router.get(
    "/proof/consistency",
    response_model=ConsistencyProofOut,
    summary="Consistency proof: the tree of second leaves extends the tree of first",
    responses=errors(404),
)
def consistency_proof(proofs: LedgerProofsDep, first: TreeSize, second: TreeSize) -> dict[str, Any]:
    return proofs.consistency(first, second)
