"""The caller's live event stream: /v1/events (SSE) and /v1/ws (WebSocket)."""
