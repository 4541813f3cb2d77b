"""The complaint-handling domain: aggregates, events, rules and calendars.

Pure: imports only the standard library and ``eventsourcing.domain``.
"""
