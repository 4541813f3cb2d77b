"""Adapters: settings, event-store configuration, transcoding, calendars, provisioning."""
