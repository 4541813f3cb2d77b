"""The verifiable log: every stored event a leaf of an RFC 9162 Merkle tree, with signed
checkpoints in the C2SP formats, so that anyone can check the log was only ever appended to."""
