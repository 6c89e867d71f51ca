"""The FastAPI dependency that applies a rate limit to a route.

Usage: ``@router.post(..., dependencies=[Depends(RateLimited("previews"))])``.
Allowed responses carry the RateLimit headers; a refused request is
``429 rate_limited`` with ``Retry-After`` and the same headers.
"""

# No `from __future__ import annotations` here: FastAPI reads the annotations of
# RateLimited.__call__, and an instance has no __globals__ to resolve strings in.

from fastapi import Request, Response

from soundstage.auth.deps import CurrentUser
from soundstage.errors import TooManyRequests
from soundstage.ratelimit.service import Action, RateLimitService
from soundstage.resources import Engine

_WHAT = {"jobs": "job", "uploads": "upload", "previews": "preview"}


class RateLimited:
    """Spend one request of ``action`` from the caller's quota (per user and
    per client address). Authentication runs first, so a request without a
    valid token is 401 and costs nothing."""

    def __init__(self, action: Action) -> None:
        self.action: Action = action

    async def __call__(
        self,
        request: Request,
        response: Response,
        who: CurrentUser,
    ) -> None:
        engine: Engine = request.app.state.engine  # what get_engine gives, unsolved
        # uvicorn's proxy_headers put the real client here when the proxy is trusted
        address = request.client.host if request.client else None
        outcome = await RateLimitService(engine).hit(
            self.action, user_id=who.user_id, address=address
        )
        headers = outcome.headers()
        denied = outcome.denied
        if denied is not None:
            per = "account" if denied.scope == "user" else "address"
            exc = TooManyRequests(
                f"too many {_WHAT[self.action]} requests for this {per}; "
                f"retry in {denied.retry_after} s",
                retry_after=denied.retry_after,
            )
            exc.headers = {**(exc.headers or {}), **headers}
            raise exc
        response.headers.update(headers)
