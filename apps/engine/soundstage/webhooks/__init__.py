"""Webhooks: signed HTTP callbacks for job and project events (docs/webhooks.md)."""
