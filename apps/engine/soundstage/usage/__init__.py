"""Usage against quotas (/v1/usage)."""
