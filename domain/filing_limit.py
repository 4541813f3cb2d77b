"""The time a complainant has to complain: at most 30 days after receiving the service
(UU 25/2009 Ps 42).

No wrong door: a complaint filed later is still accepted and kept like any other. It is
marked, so the coordinator who triages it sees it and decides (for instance, to reject it
as out of scope, giving the reason).
"""

from __future__ import annotations

from datetime import date, datetime

from domain.calendar import JAKARTA

FILING_LIMIT_DAYS = 30


def filed_after_limit(incident_date: date | None, filed_at: datetime) -> bool:
    """Whether a filing came more than 30 days after the incident, by the dates of Asia/Jakarta.

    The incident date stands for the day the service was received; without one, nothing is
    known to be late.
    """
    if incident_date is None:
        return False
    filed_on = filed_at.astimezone(JAKARTA).date()
    return (filed_on - incident_date).days > FILING_LIMIT_DAYS
