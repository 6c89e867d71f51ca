from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from soundstage.auth.tokens import Principal
from soundstage.errors import Conflict, NotFound, ValidationFailed
from soundstage.pagination import fetch_page
from soundstage.resources import Engine
from soundstage.webhooks import repository as repo
from soundstage.webhooks.addresses import Resolver, check_url, system_resolver
from soundstage.webhooks.schemas import (
    Delivery,
    DeliveryList,
    Webhook,
    WebhookCreate,
    WebhookList,
    WebhookTest,
    WebhookWithSecret,
)
from soundstage.webhooks.signing import new_secret


def message_id(outbox_id: UUID) -> str:
    """The ``webhook-id`` of a message: the same on every attempt."""
    return f"msg_{outbox_id.hex}"


def _webhook(row: asyncpg.Record) -> Webhook:
    return Webhook(
        id=row["id"],
        url=row["url"],
        events=list(row["events"]),
        description=row["description"],
        enabled=row["enabled"],
        disabled_reason=row["disabled_reason"],
        disabled_at=row["disabled_at"],
        secret_rotated_at=row["secret_rotated_at"],
        created_at=row["created_at"],
    )


def _delivery(row: asyncpg.Record) -> Delivery:
    return Delivery(
        id=row["id"],
        message_id=message_id(row["id"]),
        event_type=row["event_type"],
        status=row["status"],
        attempts=row["attempts"],
        response_code=row["last_status_code"],
        latency_ms=row["last_latency_ms"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        last_attempt_at=row["last_attempt_at"],
        delivered_at=row["delivered_at"],
        created_at=row["created_at"],
        data=row["data"],
    )


class WebhookService:
    def __init__(self, engine: Engine, resolver: Resolver | None = None) -> None:
        self.engine = engine
        # injectable: tests give names that resolve to chosen addresses
        self.resolver = resolver or system_resolver

    async def create(self, who: Principal, body: WebhookCreate) -> WebhookWithSecret:
        settings = self.engine.settings
        await check_url(body.url, self.resolver, production=not settings.is_development)
        secret = new_secret()
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.insert_webhook(
                conn,
                user_id=who.user_id,
                url=body.url,
                events=list(body.events),
                description=body.description,
                secret=secret,
            )
            if await repo.count_webhooks(conn) > settings.webhook_max_per_user:
                # raising rolls the insert back
                raise ValidationFailed(
                    f"a user may have at most {settings.webhook_max_per_user} webhooks"
                )
        return WebhookWithSecret(**_webhook(row).model_dump(), secret=secret)

    async def list(self, who: Principal, *, cursor: str | None, limit: int) -> WebhookList:
        async with self.engine.db.as_user(who.claims) as conn:
            page = await fetch_page(
                lambda n, before: repo.list_webhooks(conn, limit=n, before=before), cursor, limit
            )
        return WebhookList(items=[_webhook(r) for r in page.rows], next_cursor=page.next_cursor)

    async def get(self, who: Principal, webhook_id: UUID) -> Webhook:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_webhook(conn, webhook_id)
        if row is None:
            raise NotFound("webhook not found")
        return _webhook(row)

    async def delete(self, who: Principal, webhook_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            if not await repo.delete_webhook(conn, webhook_id):
                raise NotFound("webhook not found")

    async def rotate_secret(self, who: Principal, webhook_id: UUID) -> WebhookWithSecret:
        secret = new_secret()
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.rotate_secret(
                conn, webhook_id, secret, self.engine.settings.webhook_secret_overlap_seconds
            )
        if row is None:
            raise NotFound("webhook not found")
        return WebhookWithSecret(**_webhook(row).model_dump(), secret=secret)

    async def enable(self, who: Principal, webhook_id: UUID) -> Webhook:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_webhook(conn, webhook_id)
            if row is None:
                raise NotFound("webhook not found")
            # the URL is checked again: the rules may be stricter than when it was made
            await check_url(
                row["url"], self.resolver, production=not self.engine.settings.is_development
            )
            row = await repo.enable_webhook(conn, webhook_id)
        assert row is not None
        return _webhook(row)

    async def test(self, who: Principal, webhook_id: UUID) -> WebhookTest:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_webhook(conn, webhook_id)
            if row is None:
                raise NotFound("webhook not found")
            if not row["enabled"]:
                raise Conflict("the webhook is disabled; enable it first")
            queued = await repo.insert_message(
                conn,
                webhook_id=webhook_id,
                user_id=who.user_id,
                event_type="webhook.test",
                data={"webhook_id": str(webhook_id), "sent_at": datetime.now(UTC).isoformat()},
            )
        return WebhookTest(delivery_id=queued)

    async def deliveries(
        self, who: Principal, webhook_id: UUID, *, cursor: str | None, limit: int
    ) -> DeliveryList:
        async with self.engine.db.as_user(who.claims) as conn:
            if await repo.get_webhook(conn, webhook_id) is None:
                raise NotFound("webhook not found")
            page = await fetch_page(
                lambda n, before: repo.list_deliveries(conn, webhook_id, limit=n, before=before),
                cursor,
                limit,
            )
        return DeliveryList(items=[_delivery(r) for r in page.rows], next_cursor=page.next_cursor)
