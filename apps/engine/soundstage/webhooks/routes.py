from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.webhooks.schemas import (
    DeliveryList,
    Webhook,
    WebhookCreate,
    WebhookList,
    WebhookTest,
    WebhookWithSecret,
)
from soundstage.webhooks.service import WebhookService

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


async def get_service(request: Request) -> WebhookService:
    # app.state.webhook_resolver: a test's stand-in for DNS (None: the system's)
    return WebhookService(
        request.app.state.engine, getattr(request.app.state, "webhook_resolver", None)
    )


Service = Annotated[WebhookService, Depends(get_service)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookWithSecret,
    responses=error_responses(401, 422),
)
async def create_webhook(
    body: WebhookCreate, who: CurrentUser, service: Service
) -> WebhookWithSecret:
    """Register an endpoint. The answer holds the signing secret: it is shown
    only now (and on rotation)."""
    return await service.create(who, body)


@router.get("", response_model=WebhookList, responses=error_responses(401, 422))
async def list_webhooks(
    who: CurrentUser, service: Service, cursor: Cursor = None, limit: Limit = 20
) -> WebhookList:
    return await service.list(who, cursor=cursor, limit=limit)


@router.get("/{webhook_id}", response_model=Webhook, responses=error_responses(401, 404))
async def get_webhook(webhook_id: UUID, who: CurrentUser, service: Service) -> Webhook:
    return await service.get(who, webhook_id)


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404),
)
async def delete_webhook(webhook_id: UUID, who: CurrentUser, service: Service) -> None:
    await service.delete(who, webhook_id)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    responses=error_responses(401, 404),
)
async def rotate_secret(webhook_id: UUID, who: CurrentUser, service: Service) -> WebhookWithSecret:
    """A new signing secret, shown only now; the old one stops signing at once."""
    return await service.rotate_secret(who, webhook_id)


@router.post(
    "/{webhook_id}/enable", response_model=Webhook, responses=error_responses(401, 404, 422)
)
async def enable_webhook(webhook_id: UUID, who: CurrentUser, service: Service) -> Webhook:
    """Switch a webhook that was disabled (its retries ran out) back on; later
    events are delivered again (the failed ones are not)."""
    return await service.enable(who, webhook_id)


@router.post(
    "/{webhook_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookTest,
    responses=error_responses(401, 404, 409),
)
async def test_webhook(webhook_id: UUID, who: CurrentUser, service: Service) -> WebhookTest:
    """Queue a ``webhook.test`` event; follow it in the delivery log."""
    return await service.test(who, webhook_id)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryList,
    responses=error_responses(401, 404, 422),
)
async def list_deliveries(
    webhook_id: UUID, who: CurrentUser, service: Service, cursor: Cursor = None, limit: Limit = 20
) -> DeliveryList:
    """The delivery log, newest first: each message's status, attempts, last
    response code and latency, next attempt and last error."""
    return await service.deliveries(who, webhook_id, cursor=cursor, limit=limit)
