"""Request and response models of ``/v1/projects``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

BRANCH_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$"
ROLE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class Visibility(StrEnum):
    PRIVATE = "private"
    UNLISTED = "unlisted"
    PUBLIC = "public"


class MemberRole(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    OWNER = "owner"


# access levels, as soundstage_private.project_level returns them
LEVEL_READ = 1
LEVEL_EDIT = 2
LEVEL_OWN = 3
ACCESS_NAMES = {LEVEL_READ: "reader", LEVEL_EDIT: "editor", LEVEL_OWN: "owner"}


def _clean(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


class ProjectTarget(BaseModel):
    """Where a job's outputs go when it succeeds: a new commit on ``branch``."""

    model_config = ConfigDict(extra="forbid")

    id: UUID
    branch: str | None = Field(
        default=None, pattern=BRANCH_PATTERN, description="Default: the project's default branch."
    )
    message: str | None = Field(default=None, max_length=2000)


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Night drive"])
    description: str = Field(default="", max_length=5000)
    genre: str = Field(default="", max_length=100)
    visibility: Visibility = Visibility.PRIVATE
    default_branch: str = Field(default="main", pattern=BRANCH_PATTERN)

    _name = field_validator("name")(_clean)


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    genre: str | None = Field(default=None, max_length=100)
    visibility: Visibility | None = None
    default_branch: str | None = Field(default=None, pattern=BRANCH_PATTERN)
    rotate_link_token: bool = Field(
        default=False, description="Issue a new link token: the old unlisted link stops working."
    )


class Project(BaseModel):
    id: UUID
    owner_id: UUID
    name: str
    description: str
    genre: str
    visibility: Visibility
    default_branch: str
    access: str = Field(description="the caller's access: owner, editor or reader")
    link_token: str | None = Field(
        default=None, description="only shown to owners: readers of an unlisted project send it"
    )
    forked_from_project: UUID | None
    forked_from_commit: UUID | None
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    items: list[Project]
    next_cursor: str | None


class Scope(StrEnum):
    MINE = "mine"
    SHARED = "shared"
    PUBLIC = "public"


class FileIn(BaseModel):
    """One file of a new commit: an upload of yours or an output of a job of yours."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(pattern=ROLE_PATTERN, examples=["mix", "drums", "midi"])
    upload_id: UUID | None = None
    job_id: UUID | None = None
    output: str | None = Field(default=None, max_length=255)
    params: dict[str, Any] = Field(default_factory=dict)


class CommitCreate(BaseModel):
    """A commit: the parent's files (unless ``keep_parent_files`` is false),
    with ``files`` added or replaced by role and ``remove`` roles dropped;
    or every audio/MIDI output of ``job_id`` mapped to roles by its kind."""

    model_config = ConfigDict(extra="forbid")

    branch: str | None = Field(default=None, pattern=BRANCH_PATTERN)
    message: str = Field(default="", max_length=2000)
    parent_id: UUID | None = Field(
        default=None, description="Default: the branch head. Must be the head (no lost commits)."
    )
    merge_parent_id: UUID | None = Field(default=None, description="A second parent: a merge.")
    job_id: UUID | None = Field(default=None, description="Commit this succeeded job's outputs.")
    files: list[FileIn] = Field(default_factory=list, max_length=64)
    remove: list[str] = Field(default_factory=list, max_length=64)
    keep_parent_files: bool = True
    bpm: int | None = Field(default=None, ge=20, le=400)
    key_signature: str | None = Field(default=None, max_length=32)
    params: dict[str, Any] = Field(default_factory=dict)


class CommitFile(BaseModel):
    role: str
    name: str
    sha256: str
    bytes: int
    content_type: str
    duration_s: float | None
    params: dict[str, Any]
    url: str | None = None
    expires_at: datetime | None = None


class Commit(BaseModel):
    id: UUID
    project_id: UUID
    parent_id: UUID | None
    second_parent_id: UUID | None
    author_id: UUID | None
    message: str
    bpm: int | None
    key_signature: str | None
    params: dict[str, Any]
    job_id: UUID | None
    created_at: datetime
    files: list[CommitFile]


class GraphCommit(BaseModel):
    id: UUID
    parents: list[UUID]
    author_id: UUID | None
    message: str
    bpm: int | None
    key_signature: str | None
    created_at: datetime


class Branch(BaseModel):
    name: str
    head_id: UUID | None
    updated_at: datetime


class History(BaseModel):
    """Everything needed to draw the graph: commits oldest first, each with its
    parents (two for a merge), and where each branch points."""

    project_id: UUID
    default_branch: str
    commits: list[GraphCommit]
    branches: list[Branch]


class BranchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=BRANCH_PATTERN)
    from_commit: UUID | None = Field(default=None, description="Default: the default branch head.")


class BranchMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    head_id: UUID


class BranchList(BaseModel):
    items: list[Branch]


class FileChange(BaseModel):
    role: str
    change: Literal["added", "removed", "changed"]
    from_sha256: str | None
    to_sha256: str | None


class Diff(BaseModel):
    from_commit: UUID
    to_commit: UUID
    params: dict[str, dict[str, Any]] = Field(
        description="each changed field: {from, to}; bpm, key_signature, message and params.*"
    )
    files: list[FileChange]
    unchanged: list[str]


class ForkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    commit_id: UUID | None = Field(
        default=None, description="Default: the head of the project's default branch."
    )
    visibility: Visibility = Visibility.PRIVATE


class MemberInvite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    role: MemberRole = MemberRole.VIEWER


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: MemberRole


class Member(BaseModel):
    user_id: UUID
    email: str | None = None
    role: MemberRole
    created_at: datetime


class MemberList(BaseModel):
    items: list[Member]


class Checkout(BaseModel):
    commit_id: UUID
    files: list[CommitFile]
