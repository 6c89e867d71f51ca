"""Rate limits per user and per client address, kept in Postgres."""
