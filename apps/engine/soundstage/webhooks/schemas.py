from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

EventType = Literal[
    "job.succeeded", "job.failed", "job.canceled", "job.progress", "project.committed"
]
"""The events a webhook may subscribe to. ``job.progress`` is sent at most once
per job per 10 s per webhook. ``webhook.test`` is sent by ``POST .../test`` only."""

DeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[
        str,
        Field(
            min_length=8,
            max_length=2048,
            examples=["https://example.com/hooks/soundstage"],
            description="https only in production; private and link-local addresses are refused",
        ),
    ]
    events: Annotated[
        list[EventType],
        Field(min_length=1, max_length=8, examples=[["job.succeeded", "job.failed"]]),
    ]
    description: Annotated[str, Field(max_length=500)] = ""

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[EventType]) -> list[EventType]:
        return sorted(set(value))

    @field_validator("url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class Webhook(BaseModel):
    id: UUID
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None = Field(
        description="why deliveries stopped (set with disabled_at when retries ran out)"
    )
    disabled_at: datetime | None
    secret_rotated_at: datetime | None
    created_at: datetime


class WebhookWithSecret(Webhook):
    secret: str = Field(
        description="the signing secret (Standard Webhooks `whsec_...`): shown only now",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class WebhookList(BaseModel):
    items: list[Webhook]
    next_cursor: str | None = None


class WebhookTest(BaseModel):
    delivery_id: UUID = Field(description="the queued message; also its `webhook-id` (msg_...)")


class Delivery(BaseModel):
    id: UUID
    message_id: str = Field(description="the `webhook-id` header sent on every attempt")
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_code: int | None = Field(description="the last attempt's HTTP status, if any")
    latency_ms: int | None = Field(description="the last attempt's time to the response")
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="when a pending message is tried next")
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    data: dict[str, Any]


class DeliveryList(BaseModel):
    items: list[Delivery]
    next_cursor: str | None = None
