"""The per-user pronunciation lexicon (/v1/lexicon)."""
