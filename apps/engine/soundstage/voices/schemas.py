from __future__ import annotations

from pydantic import BaseModel, Field


class VoiceOut(BaseModel):
    id: str = Field(examples=["local:hibari-us-female"])
    name: str = Field(examples=["Hibari Heart (US female)"])
    provider: str = Field(examples=["local"])
    language: str = Field(examples=["en-US"], description="BCP-47 tag, or 'multilingual'")
    gender: str | None = Field(examples=["female"])
    sample_url: str | None = Field(
        default=None,
        description=(
            "A few seconds of this voice: a signed URL for local voices (rendered once, "
            "then kept), the provider's own preview when it hosts one, else null"
        ),
    )


class VoiceList(BaseModel):
    items: list[VoiceOut]
