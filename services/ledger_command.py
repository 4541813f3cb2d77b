"""``aduan ledger``: follow the log into the tree, verify the whole ledger, check a proof
offline, print the public key."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import orjson

from infra.settings import Settings
from infra.transparency.note import NoteError, NoteVerifier
from infra.transparency.signing_key import resolve_existing_signer
from services.composition import build_ledger, build_tree_follower, build_verifier
from services.progress import progress_bar
from services.proof_check import ProofError, check_document

KEY_WANTED = (
    "give --public-key the log's verifier key (`aduan ledger public-key` prints it) or a "
    "file holding it"
)


def follow(settings: Settings, args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    try:
        follower = build_tree_follower(settings, ledger)
        if args.once:
            size, position, end = follower.status()
            progress = progress_bar("appending to the tree") if end - position > 10_000 else None
            appended = follower.catch_up(progress=progress)
            size, position, _ = follower.status()
            print(f"appended {appended} events; the tree has {size} leaves, up to log "
                  f"position {position}")  # fmt: skip
            return 0
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        stopped = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stopped.set())
        size, position, end = follower.status()
        print(f"following the log into the tree from leaf {size} (log position {position}, "
              f"{end - position} behind); Ctrl-C stops", file=sys.stderr)  # fmt: skip
        follower.follow(stopped)
        return 0
    finally:
        ledger.close()


def verify(settings: Settings, _args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    try:
        report = build_verifier(settings, ledger).run(progress_bar("verifying the ledger"))
    finally:
        ledger.close()
    if report.problem is not None:
        print(f"\nFAILED ({report.problem.kind}): {report.problem.message}", file=sys.stderr)
        print(f"({report.leaves} leaves and {report.checkpoints} checkpoints were good before "
              "it)", file=sys.stderr)  # fmt: skip
        return 1
    print(f"ok: {report.leaves} leaves and {report.checkpoints} signed checkpoints match the "
          f"event store; {report.not_in_tree} newer events are not in the tree yet")  # fmt: skip
    return 0


def verify_proof(_settings: Settings, args: argparse.Namespace) -> int:
    try:
        verifier = NoteVerifier.from_text(_verifier_key_text(args.public_key))
        document: Any = orjson.loads(Path(args.file).read_bytes())
        lines = check_document(document, verifier)
    except (OSError, orjson.JSONDecodeError, NoteError, ProofError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    print("ok")
    return 0


def _verifier_key_text(key_or_file: str) -> str:
    """The verifier key given, or the text of the file it names."""
    path = Path(key_or_file)
    if path.exists():
        try:
            return path.read_text()
        except UnicodeDecodeError:
            raise NoteError(
                f"{path} is not a text file, so it holds no verifier key; {KEY_WANTED}"
            ) from None
    if "+" not in key_or_file:  # every key is <name>+<key hash>+<public key>
        raise FileNotFoundError(f"there is no file {key_or_file}; {KEY_WANTED}")
    return key_or_file


def public_key(settings: Settings, _args: argparse.Namespace) -> int:
    print(resolve_existing_signer(settings).verifier.text)
    return 0


def add_ledger_commands(commands: Any) -> None:
    ledger = commands.add_parser(
        "ledger", help="the verifiable log: Merkle tree, signed checkpoints, proofs"
    ).add_subparsers(dest="ledger_command", required=True)
    following = ledger.add_parser(
        "follow", help="append the event log to the tree and sign checkpoints, until stopped"
    )
    following.add_argument("--once", action="store_true", help="append the backlog, then exit")
    following.set_defaults(run=follow)
    ledger.add_parser(
        "verify", help="recompute the tree from the event store; check it and every checkpoint"
    ).set_defaults(run=verify)
    checking = ledger.add_parser(
        "verify-proof", help="check a receipt or proof (JSON from the API) offline"
    )
    checking.add_argument("file", help="the receipt, inclusion or consistency proof (JSON)")
    checking.add_argument(
        "--public-key", required=True, help="the log's verifier key, or a file holding it"
    )
    checking.set_defaults(run=verify_proof)
    ledger.add_parser("public-key", help="print the log's verifier key").set_defaults(
        run=public_key
    )
