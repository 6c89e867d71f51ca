"""Projects with version history ("git for audio"): /v1/projects."""
