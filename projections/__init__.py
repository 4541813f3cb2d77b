"""Read models built from the event log: work queues, dashboards, resolution metrics."""
