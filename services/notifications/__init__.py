"""Notifications: events in, e-mails, SMS and webhook calls out, each delivered once."""
