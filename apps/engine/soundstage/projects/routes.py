"""``/v1/projects``: projects with version history (thin: rules are in the service).

Readers of an unlisted project present its link token as ``X-Project-Token``
(or ``?link_token=``); other users' private projects are 404.
"""

from __future__ import annotations

import shutil
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from soundstage.auth.deps import CurrentUser
from soundstage.errors_http import error_responses
from soundstage.projects.schemas import (
    Branch,
    BranchCreate,
    BranchList,
    BranchMove,
    Checkout,
    Commit,
    CommitCreate,
    Diff,
    ForkCreate,
    History,
    Member,
    MemberInvite,
    MemberList,
    MemberUpdate,
    Project,
    ProjectCreate,
    ProjectList,
    ProjectUpdate,
    Scope,
)
from soundstage.projects.service import ProjectService
from soundstage.resources import Engine

router = APIRouter(prefix="/v1/projects", tags=["projects"])


async def get_service(request: Request) -> ProjectService:
    engine: Engine = request.app.state.engine
    return ProjectService(engine)


Service = Annotated[ProjectService, Depends(get_service)]


async def link_token(
    header: Annotated[str | None, Header(alias="X-Project-Token", max_length=128)] = None,
    query: Annotated[str | None, Query(alias="link_token", max_length=128)] = None,
) -> str | None:
    return header or query


LinkToken = Annotated[str | None, Depends(link_token)]


def _base(request: Request, service: ProjectService) -> str:
    return service.engine.base_url(request)


@router.post(
    "", response_model=Project, status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 422),
)  # fmt: skip
async def create_project(body: ProjectCreate, who: CurrentUser, service: Service) -> Project:
    return await service.create(who, body)


@router.get("", response_model=ProjectList, responses=error_responses(401, 422))
async def list_projects(
    who: CurrentUser,
    service: Service,
    scope: Scope = Scope.MINE,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProjectList:
    """``scope``: ``mine`` (you own), ``shared`` (you are a member of) or ``public``."""
    return await service.list(who, scope, cursor, limit)


@router.get("/{project_id}", response_model=Project, responses=error_responses(401, 404))
async def get_project(
    project_id: UUID, who: CurrentUser, service: Service, token: LinkToken
) -> Project:
    return await service.get(who, project_id, token)


@router.patch(
    "/{project_id}", response_model=Project, responses=error_responses(401, 403, 404, 422)
)
async def update_project(
    project_id: UUID, body: ProjectUpdate, who: CurrentUser, service: Service
) -> Project:
    return await service.update(who, project_id, body)


@router.delete(
    "/{project_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
    responses=error_responses(401, 403, 404),
)  # fmt: skip
async def delete_project(project_id: UUID, who: CurrentUser, service: Service) -> None:
    await service.delete(who, project_id)


@router.post(
    "/{project_id}/commits", response_model=Commit, status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)  # fmt: skip
async def create_commit(
    request: Request, project_id: UUID, body: CommitCreate, who: CurrentUser, service: Service
) -> Commit:
    """Commit uploads or job outputs (``files``), or a succeeded job's outputs
    (``job_id``), on top of a branch head. 409 if ``parent_id`` is not the head."""
    return await service.create_commit(who, project_id, body, _base(request, service))


@router.get(
    "/{project_id}/commits/{commit_id}", response_model=Commit,
    responses=error_responses(401, 404),
)  # fmt: skip
async def get_commit(
    request: Request,
    project_id: UUID,
    commit_id: UUID,
    who: CurrentUser,
    service: Service,
    token: LinkToken,
) -> Commit:
    return await service.get_commit(who, project_id, commit_id, _base(request, service), token)


@router.get("/{project_id}/history", response_model=History, responses=error_responses(401, 404))
async def history(
    project_id: UUID, who: CurrentUser, service: Service, token: LinkToken
) -> History:
    return await service.history(who, project_id, token)


@router.get("/{project_id}/diff", response_model=Diff, responses=error_responses(401, 404, 422))
async def diff(
    project_id: UUID,
    who: CurrentUser,
    service: Service,
    token: LinkToken,
    from_: Annotated[UUID, Query(alias="from")],
    to: UUID,
) -> Diff:
    return await service.diff(who, project_id, from_, to, token)


@router.get(
    "/{project_id}/checkout",
    response_model=Checkout,
    responses={200: {"content": {"application/zip": {}}}, **error_responses(401, 404)},
)
async def checkout(
    request: Request,
    project_id: UUID,
    who: CurrentUser,
    service: Service,
    token: LinkToken,
    ref: Annotated[str | None, Query(max_length=100, description="a commit id or branch")] = None,
    format: Literal["urls", "zip"] = "urls",
) -> Checkout | FileResponse:
    """A commit's files (default: the default branch's head) as signed URLs, or one zip."""
    if format == "zip":
        path, name = await service.checkout_zip(who, project_id, ref, token)
        return FileResponse(
            path,
            media_type="application/zip",
            filename=name,
            background=BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True),
        )
    return await service.checkout(who, project_id, ref, _base(request, service), token)


@router.post(
    "/{project_id}/fork", response_model=Project, status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422),
)  # fmt: skip
async def fork(
    project_id: UUID,
    who: CurrentUser,
    service: Service,
    token: LinkToken,
    body: ForkCreate | None = None,
) -> Project:
    """A new project of yours from any commit of a project you can read: one
    transaction, no bytes copied."""
    return await service.fork(who, project_id, body or ForkCreate(), link_token=token)


@router.get(
    "/{project_id}/branches", response_model=BranchList, responses=error_responses(401, 404)
)
async def list_branches(
    project_id: UUID, who: CurrentUser, service: Service, token: LinkToken
) -> BranchList:
    return await service.branches(who, project_id, token)


@router.post(
    "/{project_id}/branches", response_model=Branch, status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)  # fmt: skip
async def create_branch(
    project_id: UUID, body: BranchCreate, who: CurrentUser, service: Service
) -> Branch:
    return await service.create_branch(who, project_id, body)


@router.patch(
    "/{project_id}/branches/{name:path}", response_model=Branch,
    responses=error_responses(401, 403, 404, 422),
)  # fmt: skip
async def move_branch(
    project_id: UUID, name: str, body: BranchMove, who: CurrentUser, service: Service
) -> Branch:
    """Point the branch at any commit of the project (reset or fast-forward)."""
    return await service.move_branch(who, project_id, name, body.head_id)


@router.delete(
    "/{project_id}/branches/{name:path}", status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response, responses=error_responses(401, 403, 404, 409),
)  # fmt: skip
async def delete_branch(project_id: UUID, name: str, who: CurrentUser, service: Service) -> None:
    await service.delete_branch(who, project_id, name)


@router.get("/{project_id}/members", response_model=MemberList, responses=error_responses(401, 404))
async def list_members(
    project_id: UUID, who: CurrentUser, service: Service, token: LinkToken
) -> MemberList:
    return await service.members(who, project_id, token)


@router.post(
    "/{project_id}/members", response_model=Member, status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 422),
)  # fmt: skip
async def invite_member(
    project_id: UUID, body: MemberInvite, who: CurrentUser, service: Service
) -> Member:
    """Add a signed-up user by email as viewer, editor or owner (or change their role)."""
    return await service.invite(who, project_id, body)


@router.patch(
    "/{project_id}/members/{user_id}", response_model=Member,
    responses=error_responses(401, 403, 404, 422),
)  # fmt: skip
async def update_member(
    project_id: UUID, user_id: UUID, body: MemberUpdate, who: CurrentUser, service: Service
) -> Member:
    return await service.set_role(who, project_id, user_id, body.role)


@router.delete(
    "/{project_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response, responses=error_responses(401, 403, 404),
)  # fmt: skip
async def remove_member(
    project_id: UUID, user_id: UUID, who: CurrentUser, service: Service
) -> None:
    """Remove a member (owners), or leave (yourself). Access ends at once."""
    await service.remove_member(who, project_id, user_id)
