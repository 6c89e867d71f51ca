"""Chaos mode for the HTTP fakes of the remote providers.

:class:`Chaos` wraps a fake's handler (a respx side effect): a share of the
calls (30% by default) fail the way real APIs fail - 429 with Retry-After,
500/502/503, a connection reset, or no answer until the client's timeout - and
the rest reach the fake. It also keeps what a provider's bill and a rate
limiter would see: successful (billed) calls per request body, and the most
requests in flight at once.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Handler = Callable[..., httpx.Response]
FAULTS = ("429", "500", "502", "503", "reset", "hang")


class Chaos:
    def __init__(self, *, rate: float = 0.3, seed: int = 13) -> None:
        self.rate = rate
        self.rng = random.Random(seed)
        self.injected: Counter[str] = Counter()
        self.billed: Counter[str] = Counter()
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def wrap(
        self, handler: Handler, *, bill: Callable[[httpx.Request], str]
    ) -> Callable[..., Awaitable[httpx.Response]]:
        async def side_effect(request: httpx.Request, **kwargs: Any) -> httpx.Response:
            self.calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(0.01)  # requests overlap, as they do on the wire
                if self.rng.random() < self.rate:
                    fault = self.rng.choice(FAULTS)
                    self.injected[fault] += 1
                    if fault == "429":
                        return httpx.Response(
                            429, json={"error": "rate limited"}, headers={"Retry-After": "1"}
                        )
                    if fault in ("500", "502", "503"):
                        return httpx.Response(int(fault), text="upstream trouble")
                    if fault == "reset":
                        raise httpx.RemoteProtocolError("peer closed connection", request=request)
                    # "hang": nothing comes back until the client gives up
                    await asyncio.sleep(0.05)
                    raise httpx.ReadTimeout("timed out", request=request)
                response = handler(request, **kwargs)
                if response.is_success:
                    self.billed[bill(request)] += 1
                return response
            finally:
                self.in_flight -= 1

        return side_effect
