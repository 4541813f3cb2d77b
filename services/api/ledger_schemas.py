"""Response bodies of the verifiable log's routes. Hashes are lowercase hex; checkpoints
are C2SP signed notes, as text."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field


class LeafOut(BaseModel):
    index: int
    notification_id: int
    leaf_input: str | None = Field(
        description="The event's leaf input as the store holds it now (compact JSON, sorted "
        "keys); leaf_hash = SHA-256(0x00 || its UTF-8 bytes). None: the event is gone."
    )
    leaf_hash: str


class InclusionProofOut(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    inclusion_path: list[str] = Field(description="RFC 9162 PATH(index, D[tree_size])")
    checkpoint: str | None = Field(description="The signed checkpoint of tree_size, if any")


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str] = Field(description="RFC 9162 PROOF(first, D[second])")
    first_checkpoint: str | None
    second_checkpoint: str | None


class ReceiptEventOut(BaseModel):
    notification_id: int
    originator_version: int
    topic: str
    leaf_index: int | None = Field(description="None: not in the tree yet")
    leaf_input: str
    leaf_hash: str | None
    inclusion_path: list[str] | None = Field(
        description="Against the receipt's checkpoint; None: the event came after it"
    )


class ReceiptOut(BaseModel):
    originator_id: UUID
    tree_size: int | None
    root_hash: str | None
    checkpoint: str | None = Field(description="The latest signed checkpoint")
    public_key: str = Field(description="The log's note verifier key")
    events: list[ReceiptEventOut]
