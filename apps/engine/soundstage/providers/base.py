"""What every provider shares, whatever its family: the one place provider calls
are measured."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager


def provider_call(provider: str) -> AbstractAsyncContextManager[object]:
    """METRICS HOOK: the single place provider calls are measured (count, duration
    and outcome per provider, by ``soundstage.observability.metrics``).

    Wraps only the call itself, inside the provider's concurrency slot, so time
    spent waiting for a slot is not counted as provider latency.
    """
    # Imported on first call: the providers package stays importable without the
    # metrics stack (a script that only synthesizes).
    from soundstage.observability.metrics import observe_provider_call

    return observe_provider_call(provider)
