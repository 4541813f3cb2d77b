"""How a background loop that retries reports a failed pass."""

from __future__ import annotations

import logging

from infra.store_outages import is_store_outage


def log_failed_pass(log: logging.Logger, error: Exception, message: str, *args: object) -> None:
    """A store that does not answer is an outage to wait out: one line with the driver's
    reason at every retry. Anything else is a fault: logged with its traceback."""
    if is_store_outage(error):
        log.warning(f"{message}: a store is not answering: %s", *args, error)
    else:
        log.exception(message, *args, exc_info=error)
