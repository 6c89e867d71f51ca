"""Project rules: who may do what (the database's policies decide visibility;
this decides 404 against 403), commits from soundstage.uploads and job outputs, branches,
diff, checkout, fork and members. Every request runs in the caller's RLS
transaction; the worker's job commits run privileged with the same checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from uuid import UUID

import asyncpg

from soundstage.auth.tokens import Principal
from soundstage.db import Connection, Database
from soundstage.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PermanentError,
    RetryableError,
    SoundstageError,
    ValidationFailed,
)
from soundstage.jobs import repository as jobs_repo
from soundstage.pagination import decode_cursor, encode_cursor
from soundstage.projects import objects
from soundstage.projects import repository as repo
from soundstage.projects.schemas import (
    ACCESS_NAMES,
    LEVEL_EDIT,
    LEVEL_OWN,
    LEVEL_READ,
    Branch,
    BranchCreate,
    BranchList,
    Checkout,
    Commit,
    CommitCreate,
    CommitFile,
    Diff,
    FileChange,
    FileIn,
    ForkCreate,
    GraphCommit,
    History,
    Member,
    MemberInvite,
    MemberList,
    MemberRole,
    Project,
    ProjectCreate,
    ProjectList,
    ProjectTarget,
    ProjectUpdate,
    Scope,
    Visibility,
)
from soundstage.resources import Engine
from soundstage.storage import Storage
from soundstage.uploads import repository as uploads_repo

log = logging.getLogger(__name__)

STEM_ROLES = ("drums", "bass", "vocals", "other")
_MIDI_TYPES = {"audio/midi", "audio/x-midi", "audio/mid"}
_ROLE_CHARS = re.compile(r"[^a-z0-9_]")
# how often a transaction that lost a race on the objects (a deadlock, or an
# object collected under it) is tried again
_RACE_RETRIES = 3


def _is_audio(content_type: str) -> bool:
    return content_type.startswith("audio/") and content_type not in _MIDI_TYPES


@contextlib.contextmanager
def _tmpdir(root: Path) -> Iterator[Path]:
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="project-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _duration(path: Path) -> float | None:
    from soundstage.audio.decode import UndecodableError, probe_audio

    try:
        seconds = probe_audio(path).duration_s
    except (UndecodableError, OSError, ValueError):
        return None
    return round(seconds, 3) if seconds else None


async def _audio_duration(path: Path, content_type: str) -> float | None:
    return await asyncio.to_thread(_duration, path) if _is_audio(content_type) else None


def roles_for_outputs(kind: str, outputs: Sequence[asyncpg.Record]) -> dict[str, asyncpg.Record]:
    """Which of a job's outputs become which commit roles.

    music: the audio -> mix, the MIDI -> midi; stems: each stem by its name
    (the parent's mix stays); effects: the processed audio -> mix; anything
    else: the first audio output -> mix, MIDI -> midi, other audio by name."""
    roles: dict[str, asyncpg.Record] = {}
    for o in outputs:
        stem = PurePosixPath(o["name"]).stem.lower()
        if o["content_type"] in _MIDI_TYPES:
            roles.setdefault("midi", o)
        elif not _is_audio(o["content_type"]):
            continue
        elif kind == "stems" or stem in STEM_ROLES:
            role = _ROLE_CHARS.sub("_", stem)[:32] or "audio"
            roles.setdefault(role if role[0].isalpha() else f"s{role}"[:32], o)
        elif "mix" not in roles:
            roles["mix"] = o
        else:
            role = _ROLE_CHARS.sub("_", stem)[:32]
            if role and role[0].isalpha():
                roles.setdefault(role, o)
    return roles


@dataclass
class _NewFile:
    role: str
    name: str
    sha256: str
    bytes: int
    content_type: str
    duration_s: float | None
    params: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "sha256": self.sha256,
            "name": self.name,
            "bytes": self.bytes,
            "content_type": self.content_type,
            "duration_s": self.duration_s,
            "params": self.params,
        }


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(name).name).lstrip("._-")
    return (cleaned or "file")[:128]


def to_project(row: asyncpg.Record) -> Project:
    level = row["level"]
    return Project(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        description=row["description"],
        genre=row["genre"],
        visibility=Visibility(row["visibility"]),
        default_branch=row["default_branch"],
        access=ACCESS_NAMES.get(level, "reader"),
        link_token=row["link_token"] if level >= LEVEL_OWN else None,
        forked_from_project=row["forked_from_project"],
        forked_from_commit=row["forked_from_commit"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _project(
    conn: Connection, user_id: UUID, project_id: UUID, need: int, *, lock: bool = False
) -> asyncpg.Record:
    """The project if the user may ``need``: invisible is 404 (another user's
    private project does not exist for you), visible but not enough is 403."""
    row = await repo.get_project(conn, project_id, user_id, for_update=lock)
    if row is None or row["level"] < LEVEL_READ:
        raise NotFound("project not found")
    if row["level"] < need:
        raise Forbidden(f"this needs {ACCESS_NAMES[need]} access to the project")
    return row


class RaceLost(Conflict):
    """A transaction lost a race on shared objects every time it was tried."""


async def _retrying(attempt: Any) -> Any:
    """Run ``attempt()`` (one whole transaction) again when it lost a race on
    shared objects: a deadlock or a serialization failure rolls it back whole."""
    for i in range(_RACE_RETRIES):
        try:
            return await attempt()
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError):
            if i == _RACE_RETRIES - 1:
                raise RaceLost("the project changed concurrently; try again") from None
            await asyncio.sleep(0.01 * (i + 1))
    raise AssertionError("unreachable")  # pragma: no cover


# ------------------------------------------------------------- commit core


async def _write_commit(
    conn: Connection,
    *,
    project: asyncpg.Record,
    author_id: UUID,
    branch: str | None,
    parent_id: UUID | None,
    merge_parent_id: UUID | None,
    message: str,
    bpm: int | None,
    key_signature: str | None,
    params: dict[str, Any],
    job_id: UUID | None,
    new_files: Sequence[_NewFile],
    remove: Sequence[str] = (),
    keep_parent_files: bool = True,
    force_parent: UUID | None = None,
) -> asyncpg.Record | None:
    """The commit on top of the branch head (the branch row locked meanwhile),
    files inherited from the parent unless replaced or removed, the branch moved
    to it and an event recorded. None if ``job_id`` already made a commit."""
    project_id: UUID = project["id"]
    branch_name = branch or project["default_branch"]
    head = await repo.get_branch_for_update(conn, project_id, branch_name)
    if head is None:
        raise NotFound(f"branch {branch_name!r} not found")
    head_id: UUID | None = head["head_id"]
    if force_parent is not None:
        if await repo.get_commit(conn, project_id, force_parent) is None:
            raise ValidationFailed("parent_commit_id: no such commit in this repository")
        head_id = force_parent
    elif parent_id is not None and parent_id != head_id:
        raise Conflict(
            f"branch {branch_name!r} is at {head_id}, not {parent_id}: "
            "commit on top of its head (or move the branch first)",
            details={"head_id": str(head_id) if head_id else None},
        )
    parent = None
    if head_id is not None:
        parent = await repo.get_commit(conn, project_id, head_id)
    if merge_parent_id is not None:
        if await repo.get_commit(conn, project_id, merge_parent_id) is None:
            raise ValidationFailed("merge_parent_id: no such commit in this project")
        if merge_parent_id == head_id:
            raise ValidationFailed("merge_parent_id: that is already the parent")
    files: dict[str, dict[str, Any]] = {}
    if parent is not None and keep_parent_files:
        for f in await repo.list_files(conn, [parent["id"]]):
            files[f["role"]] = {
                "role": f["role"],
                "sha256": f["sha256"],
                "name": f["name"],
                "bytes": f["bytes"],
                "content_type": f["content_type"],
                "duration_s": f["duration_s"],
                "params": f["params"],
            }
    for role in remove:
        files.pop(role, None)
    for nf in new_files:
        files[nf.role] = nf.as_row()
    row = await repo.insert_commit(
        conn,
        project_id=project_id,
        parent_id=head_id,
        second_parent_id=merge_parent_id,
        author_id=author_id,
        message=message,
        bpm=bpm if bpm is not None else (parent["bpm"] if parent else None),
        key_signature=key_signature
        if key_signature is not None
        else (parent["key_signature"] if parent else None),
        params=params,
        job_id=job_id,
    )
    if row is None:
        return None
    await repo.insert_files(conn, project_id, row["id"], list(files.values()))
    await repo.move_branch(conn, project_id, branch_name, row["id"])
    await repo.insert_event(
        conn,
        project_id,
        author_id,
        "commit.created",
        {
            "commit_id": str(row["id"]),
            "branch": branch_name,
            "message": message,
            "job_id": str(job_id) if job_id else None,
            "roles": sorted(files),
        },
    )
    return row


async def _files_from_job(
    conn: Connection,
    storage: Storage,
    kind: str,
    job_id: UUID,
    tmp: Path,
) -> tuple[list[_NewFile], dict[str, Any]]:
    """The job's outputs as commit files (hashed, stored by content), and what
    its info.json says about tempo and key (music)."""
    outputs = await jobs_repo.list_outputs(conn, [job_id])
    info: dict[str, Any] = {}
    for o in outputs:
        if o["name"] == "info.json":
            target = tmp / "info.json"
            await storage.download(o["bucket"], o["object_path"], target)
            with contextlib.suppress(ValueError, OSError):
                loaded = json.loads(target.read_text())
                if isinstance(loaded, dict):
                    info = loaded
    files: list[_NewFile] = []
    for role, o in roles_for_outputs(kind, outputs).items():
        target = tmp / f"{role}-{_safe_name(o['name'])}"
        await storage.download(o["bucket"], o["object_path"], target)
        sha, size = await objects.store(conn, storage, target, o["content_type"])
        duration = await _audio_duration(target, o["content_type"])
        files.append(
            _NewFile(role, _safe_name(o["name"]), sha, size, o["content_type"], duration, {})
        )
    if not files:
        raise ValidationFailed(f"job {job_id} has no audio or MIDI outputs to commit")
    return files, info


def _bpm_key(info: dict[str, Any]) -> tuple[int | None, str | None]:
    bpm = info.get("bpm")
    key = info.get("key")
    return (
        int(bpm) if isinstance(bpm, int | float) and 20 <= bpm <= 400 else None,
        str(key)[:32] if isinstance(key, str) and key else None,
    )


async def commit_job_outputs(
    db: Database,
    storage: Storage,
    *,
    job_id: UUID,
    user_id: UUID,
    kind: str,
    params: dict[str, Any],
    target: dict[str, Any],
    tmp_root: Path,
) -> UUID | None:
    """The worker's hook for a succeeded job that targets a project: its outputs
    become a commit on the target branch, in one transaction. Access is checked
    again here (a member removed while the job ran may no longer commit): a
    PermanentError then fails the job, and no commit exists."""
    try:
        spec = ProjectTarget.model_validate(target)
    except ValueError as exc:
        raise PermanentError("the job's project target is invalid") from exc

    async def attempt() -> UUID | None:
        with _tmpdir(tmp_root) as tmp:
            async with db.privileged() as conn, conn.transaction():
                existing = await repo.commit_by_job(conn, job_id)
                if existing is not None:  # a retry after a lost lease: already done
                    return UUID(str(existing["id"]))
                project = await repo.get_project(conn, spec.id, user_id, for_update=False)
                if project is None or project["level"] < LEVEL_EDIT:
                    raise PermanentError("you can no longer commit to that project")
                files, info = await _files_from_job(conn, storage, kind, job_id, tmp)
                bpm, key = _bpm_key(info)
                if bpm is None and isinstance(params.get("bpm"), int):
                    bpm = params["bpm"]
                row = await _write_commit(
                    conn,
                    project=project,
                    author_id=user_id,
                    branch=spec.branch,
                    parent_id=None,
                    merge_parent_id=None,
                    message=spec.message or f"{kind} job {job_id}",
                    bpm=bpm,
                    key_signature=key,
                    params={"kind": kind, **params},
                    job_id=job_id,
                    new_files=files,
                    # effects make a new mix: the old mix's stems no longer match
                    remove=STEM_ROLES if kind == "effects" else (),
                )
                return UUID(str(row["id"])) if row is not None else None

    try:
        result: UUID | None = await _retrying(attempt)
    except RaceLost as exc:
        raise RetryableError(exc.message) from exc
    except SoundstageError as exc:
        raise PermanentError(f"could not commit to the project: {exc.message}") from exc
    return result


async def check_job_target(conn: Connection, user_id: UUID, target: ProjectTarget) -> None:
    """At job submission, in the caller's transaction: the project exists for
    them, they may edit it, and the branch exists. 422 otherwise."""
    row = await repo.get_project(conn, target.id, user_id)
    if row is None or row["level"] < LEVEL_READ:
        raise ValidationFailed("project.id: no such project")
    if row["level"] < LEVEL_EDIT:
        raise ValidationFailed("project.id: you need editor access to commit to that project")
    branch = target.branch or row["default_branch"]
    if not any(b["name"] == branch for b in await repo.list_branches(conn, target.id)):
        raise ValidationFailed(f"project.branch: no branch {branch!r} in that project")


# ----------------------------------------------------------------- service


class ProjectService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.asynccontextmanager
    async def _tx(self, who: Principal, link_token: str | None = None) -> Any:
        async with self.engine.db.as_user(who.claims) as conn:
            if link_token:
                await repo.use_link_token(conn, link_token)
            yield conn

    def _tmp(self) -> contextlib.AbstractContextManager[Path]:
        return _tmpdir(self.engine.settings.data_path / "tmp" / "projects")

    async def _signed(self, files: Sequence[asyncpg.Record], base_url: str) -> list[CommitFile]:
        ttl = self.engine.settings.signed_url_ttl_seconds
        out = []
        for f in files:
            signed = await self.engine.storage.signed_url(
                objects.BUCKET, objects.object_key(f["sha256"]), expires_in=ttl, base_url=base_url
            )
            out.append(
                CommitFile(
                    role=f["role"],
                    name=f["name"],
                    sha256=f["sha256"],
                    bytes=f["bytes"],
                    content_type=f["content_type"],
                    duration_s=f["duration_s"],
                    params=f["params"],
                    url=signed.url,
                    expires_at=signed.expires_at,
                )
            )
        return out

    async def _to_commit(
        self, conn: Connection, row: asyncpg.Record, base_url: str | None
    ) -> Commit:
        files = await repo.list_files(conn, [row["id"]])
        if base_url is not None:
            shown = await self._signed(files, base_url)
        else:
            shown = [
                CommitFile(
                    role=f["role"],
                    name=f["name"],
                    sha256=f["sha256"],
                    bytes=f["bytes"],
                    content_type=f["content_type"],
                    duration_s=f["duration_s"],
                    params=f["params"],
                )
                for f in files
            ]
        return Commit(
            id=row["id"],
            project_id=row["project_id"],
            parent_id=row["parent_id"],
            second_parent_id=row["second_parent_id"],
            author_id=row["author_id"],
            message=row["message"],
            bpm=row["bpm"],
            key_signature=row["key_signature"],
            params=row["params"],
            job_id=row["job_id"],
            created_at=row["created_at"],
            files=shown,
        )

    # -------------------------------------------------------------- CRUD
    async def create(self, who: Principal, body: ProjectCreate) -> Project:
        async with self._tx(who) as conn:
            row = await repo.insert_project(
                conn,
                owner_id=who.user_id,
                name=body.name,
                description=body.description,
                genre=body.genre,
                visibility=body.visibility.value,
                default_branch=body.default_branch,
            )
            await repo.insert_branch(conn, row["id"], body.default_branch, None)
            await repo.insert_event(
                conn, row["id"], who.user_id, "project.created", {"name": body.name}
            )
            return to_project(row)

    async def list(
        self, who: Principal, scope: Scope, cursor: str | None, limit: int
    ) -> ProjectList:
        before = decode_cursor(cursor) if cursor else None
        async with self._tx(who) as conn:
            rows = await repo.list_projects(
                conn, scope=scope.value, user_id=who.user_id, before=before, limit=limit + 1
            )
        page = rows[:limit]
        next_cursor = (
            encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(rows) > limit else None
        )
        return ProjectList(items=[to_project(r) for r in page], next_cursor=next_cursor)

    async def get(self, who: Principal, project_id: UUID, link_token: str | None = None) -> Project:
        async with self._tx(who, link_token) as conn:
            return to_project(await _project(conn, who.user_id, project_id, LEVEL_READ))

    async def update(self, who: Principal, project_id: UUID, body: ProjectUpdate) -> Project:
        changes = body.model_dump(exclude_unset=True, mode="json")
        async with self._tx(who) as conn:
            current = await _project(conn, who.user_id, project_id, LEVEL_OWN)
            branch = changes.get("default_branch")
            if branch and branch != current["default_branch"]:
                if not any(b["name"] == branch for b in await repo.list_branches(conn, project_id)):
                    raise ValidationFailed(f"default_branch: no branch {branch!r}")
            row = await repo.update_project(conn, project_id, who.user_id, changes)
            assert row is not None
            await repo.insert_event(
                conn,
                project_id,
                who.user_id,
                "project.updated",
                {k: v for k, v in changes.items() if k != "rotate_link_token"},
            )
            return to_project(row)

    async def delete(self, who: Principal, project_id: UUID) -> None:
        async def attempt() -> list[str]:
            async with self._tx(who) as conn:
                row = await _project(conn, who.user_id, project_id, LEVEL_READ)
                if row["owner_id"] != who.user_id:
                    raise Forbidden("only the project's owner may delete it")
                shas = await repo.delete_project(conn, project_id)
                if shas is None:  # pragma: no cover - checked above, under the same lock
                    raise NotFound("project not found")
                return shas

        shas: list[str] = await _retrying(attempt)
        # After the commit: objects only this project named go now. A failure
        # here leaves them for the next collection, never a dangling reference.
        try:
            await objects.collect(self.engine.db, self.engine.storage, shas)
        except Exception:  # the project is gone either way
            log.exception("collecting the objects of deleted project %s", project_id)

    # ----------------------------------------------------------- commits
    async def create_commit(
        self,
        who: Principal,
        project_id: UUID,
        body: CommitCreate,
        base_url: str,
        *,
        compat_parent: bool = False,
    ) -> Commit:
        """A commit from soundstage.uploads and job outputs (``files``) or a whole job
        (``job_id``). ``compat_parent``: the caller names a parent that need not
        be the head (the old API let any commit be a parent): the branch then
        moves to the new commit all the same."""
        if body.job_id is None and not body.files and not body.remove and body.parent_id is None:
            # an empty commit on an empty branch is allowed (a first "save")
            pass

        async def attempt() -> Commit:
            with self._tmp() as tmp:
                async with self._tx(who) as conn:
                    project = await _project(conn, who.user_id, project_id, LEVEL_EDIT)
                    new_files: list[_NewFile] = []
                    info: dict[str, Any] = {}
                    params = dict(body.params)
                    if body.job_id is not None:
                        job = await jobs_repo.get_status(conn, body.job_id)
                        if job is None:
                            raise ValidationFailed("job_id: no such job")
                        if job != "succeeded":
                            raise Conflict(f"job_id: that job is {job}; commit it once done")
                        kind = await self._job_kind(conn, body.job_id)
                        new_files, info = await _files_from_job(
                            conn, self.engine.storage, kind, body.job_id, tmp
                        )
                        params.setdefault("kind", kind)
                    for f in body.files:
                        new_files.append(await self._file_in(conn, f, tmp))
                    roles = [f.role for f in new_files]
                    if len(set(roles)) != len(roles):
                        raise ValidationFailed("two files with the same role")
                    bpm, key = _bpm_key(info)
                    parent_id, force = body.parent_id, None
                    if compat_parent and parent_id is not None:
                        parent_id, force = None, body.parent_id
                    row = await _write_commit(
                        conn,
                        project=project,
                        author_id=who.user_id,
                        branch=body.branch,
                        parent_id=parent_id,
                        merge_parent_id=body.merge_parent_id,
                        message=body.message,
                        bpm=body.bpm if body.bpm is not None else bpm,
                        key_signature=body.key_signature or key,
                        params=params,
                        job_id=body.job_id,
                        new_files=new_files,
                        remove=body.remove,
                        keep_parent_files=body.keep_parent_files,
                        force_parent=force,
                    )
                    if row is None:
                        raise Conflict("that job's outputs were already committed")
                    return await self._to_commit(conn, row, base_url)

        result: Commit = await _retrying(attempt)
        return result

    async def _job_kind(self, conn: Connection, job_id: UUID) -> str:
        row = await jobs_repo.get_job(conn, job_id)
        assert row is not None
        return str(row["kind"])

    async def _file_in(self, conn: Connection, f: FileIn, tmp: Path) -> _NewFile:
        storage = self.engine.storage
        if (f.upload_id is None) == (f.job_id is None):
            raise ValidationFailed(f"files[{f.role}]: give exactly one of upload_id or job_id")
        if f.upload_id is not None:
            up = await uploads_repo.get_upload(conn, f.upload_id)
            if up is None:
                raise ValidationFailed(f"files[{f.role}]: no such upload")
            if up["category"] not in ("audio", "midi"):
                raise ValidationFailed(f"files[{f.role}]: that upload is not audio or MIDI")
            await objects.store_known(
                conn,
                storage,
                up["sha256"],
                up["bytes"],
                up["content_type"],
                (up["bucket"], up["object_path"]),
                tmp,
            )
            return _NewFile(
                f.role,
                _safe_name(up["original_name"]),
                up["sha256"],
                up["bytes"],
                up["content_type"],
                None,
                f.params,
            )
        assert f.job_id is not None
        if not f.output:
            raise ValidationFailed(f"files[{f.role}]: job_id needs output (an output's name)")
        if await jobs_repo.get_status(conn, f.job_id) != "succeeded":
            raise ValidationFailed(f"files[{f.role}]: no such succeeded job")
        found = [o for o in await jobs_repo.list_outputs(conn, [f.job_id]) if o["name"] == f.output]
        if not found:
            raise ValidationFailed(f"files[{f.role}]: that job has no output {f.output!r}")
        o = found[0]
        target = tmp / f"{f.role}-{_safe_name(o['name'])}"
        await storage.download(o["bucket"], o["object_path"], target)
        sha, size = await objects.store(conn, storage, target, o["content_type"])
        duration = await _audio_duration(target, o["content_type"])
        return _NewFile(
            f.role, _safe_name(o["name"]), sha, size, o["content_type"], duration, f.params
        )

    async def get_commit(
        self,
        who: Principal,
        project_id: UUID,
        commit_id: UUID,
        base_url: str,
        link_token: str | None = None,
    ) -> Commit:
        async with self._tx(who, link_token) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_READ)
            row = await repo.get_commit(conn, project_id, commit_id)
            if row is None:
                raise NotFound("commit not found")
            return await self._to_commit(conn, row, base_url)

    async def get_commit_by_id(self, who: Principal, commit_id: UUID, base_url: str) -> Commit:
        """A commit wherever it is, if the caller may read its project (compat)."""
        async with self._tx(who) as conn:
            row = await repo.get_commit_any_project(conn, commit_id)
            if row is None:
                raise NotFound("commit not found")
            return await self._to_commit(conn, row, base_url)

    async def history(
        self, who: Principal, project_id: UUID, link_token: str | None = None
    ) -> History:
        async with self._tx(who, link_token) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_READ)
            commits = await repo.list_commits(conn, project_id)
            branches = await repo.list_branches(conn, project_id)
        return History(
            project_id=project_id,
            default_branch=project["default_branch"],
            commits=[
                GraphCommit(
                    id=c["id"],
                    parents=[p for p in (c["parent_id"], c["second_parent_id"]) if p is not None],
                    author_id=c["author_id"],
                    message=c["message"],
                    bpm=c["bpm"],
                    key_signature=c["key_signature"],
                    created_at=c["created_at"],
                )
                for c in commits
            ],
            branches=[Branch(**dict(b)) for b in branches],
        )

    # ---------------------------------------------------------- branches
    async def branches(
        self, who: Principal, project_id: UUID, link_token: str | None = None
    ) -> BranchList:
        async with self._tx(who, link_token) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_READ)
            rows = await repo.list_branches(conn, project_id)
        return BranchList(items=[Branch(**dict(b)) for b in rows])

    async def create_branch(self, who: Principal, project_id: UUID, body: BranchCreate) -> Branch:
        async with self._tx(who) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_EDIT)
            head = body.from_commit
            if head is None:
                default = await repo.get_branch_for_update(
                    conn, project_id, project["default_branch"]
                )
                head = default["head_id"] if default else None
            elif await repo.get_commit(conn, project_id, head) is None:
                raise ValidationFailed("from_commit: no such commit in this project")
            row = await repo.insert_branch(conn, project_id, body.name, head)
            if row is None:
                raise Conflict(f"branch {body.name!r} already exists")
            await repo.insert_event(
                conn,
                project_id,
                who.user_id,
                "branch.created",
                {"branch": body.name, "head_id": str(head) if head else None},
            )
            return Branch(**dict(row))

    async def move_branch(
        self, who: Principal, project_id: UUID, name: str, head_id: UUID
    ) -> Branch:
        async with self._tx(who) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_EDIT)
            if await repo.get_commit(conn, project_id, head_id) is None:
                raise ValidationFailed("head_id: no such commit in this project")
            row = await repo.move_branch(conn, project_id, name, head_id)
            if row is None:
                raise NotFound(f"branch {name!r} not found")
            await repo.insert_event(
                conn,
                project_id,
                who.user_id,
                "branch.moved",
                {"branch": name, "head_id": str(head_id)},
            )
            return Branch(**dict(row))

    async def delete_branch(self, who: Principal, project_id: UUID, name: str) -> None:
        async with self._tx(who) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_EDIT)
            if name == project["default_branch"]:
                raise Conflict("the default branch cannot be deleted; change the default first")
            if not await repo.delete_branch(conn, project_id, name):
                raise NotFound(f"branch {name!r} not found")
            # Its commits stay: reachable from the history, and by id.
            await repo.insert_event(
                conn, project_id, who.user_id, "branch.deleted", {"branch": name}
            )

    # -------------------------------------------------------------- diff
    async def diff(
        self,
        who: Principal,
        project_id: UUID,
        from_id: UUID,
        to_id: UUID,
        link_token: str | None = None,
    ) -> Diff:
        async with self._tx(who, link_token) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_READ)
            a = await repo.get_commit(conn, project_id, from_id)
            b = await repo.get_commit(conn, project_id, to_id)
            if a is None or b is None:
                raise NotFound("commit not found")
            files = await repo.list_files(conn, [from_id, to_id])
        fa = {f["role"]: f["sha256"] for f in files if f["commit_id"] == from_id}
        fb = {f["role"]: f["sha256"] for f in files if f["commit_id"] == to_id}
        changes: list[FileChange] = []
        unchanged: list[str] = []
        for role in sorted(fa.keys() | fb.keys()):
            x, y = fa.get(role), fb.get(role)
            if x == y:
                unchanged.append(role)
            else:
                kind: Literal["added", "removed", "changed"] = (
                    "added" if x is None else "removed" if y is None else "changed"
                )
                changes.append(FileChange(role=role, change=kind, from_sha256=x, to_sha256=y))
        params: dict[str, dict[str, Any]] = {}
        for field in ("bpm", "key_signature", "message"):
            if a[field] != b[field]:
                params[field] = {"from": a[field], "to": b[field]}
        pa, pb = a["params"] or {}, b["params"] or {}
        for k in sorted(pa.keys() | pb.keys()):
            if pa.get(k) != pb.get(k):
                params[f"params.{k}"] = {"from": pa.get(k), "to": pb.get(k)}
        return Diff(
            from_commit=from_id, to_commit=to_id, params=params, files=changes, unchanged=unchanged
        )

    # ---------------------------------------------------------- checkout
    async def _resolve_ref(
        self, conn: Connection, project: asyncpg.Record, ref: str | None
    ) -> asyncpg.Record:
        project_id = project["id"]
        if ref is None:
            ref = project["default_branch"]
        with contextlib.suppress(ValueError):
            row = await repo.get_commit(conn, project_id, UUID(ref))
            if row is not None:
                return row
        for b in await repo.list_branches(conn, project_id):
            if b["name"] == ref:
                if b["head_id"] is None:
                    raise NotFound(f"branch {ref!r} has no commits yet")
                row = await repo.get_commit(conn, project_id, b["head_id"])
                assert row is not None
                return row
        raise NotFound(f"no commit or branch {ref!r}")

    async def checkout(
        self,
        who: Principal,
        project_id: UUID,
        ref: str | None,
        base_url: str,
        link_token: str | None = None,
    ) -> Checkout:
        async with self._tx(who, link_token) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_READ)
            commit = await self._resolve_ref(conn, project, ref)
            files = await repo.list_files(conn, [commit["id"]])
        return Checkout(commit_id=commit["id"], files=await self._signed(files, base_url))

    async def checkout_zip(
        self, who: Principal, project_id: UUID, ref: str | None, link_token: str | None = None
    ) -> tuple[Path, str]:
        """A zip of the commit's files (stored, not recompressed: audio does not
        shrink); the caller removes the returned file's directory."""
        async with self._tx(who, link_token) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_READ)
            commit = await self._resolve_ref(conn, project, ref)
            files = await repo.list_files(conn, [commit["id"]])
        root = self.engine.settings.data_path / "tmp" / "projects"
        root.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="checkout-", dir=root))
        try:
            archive = workdir / "checkout.zip"
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
                for f in files:
                    part = workdir / f"{f['role']}-{f['name']}"
                    await self.engine.storage.download(
                        objects.BUCKET, objects.object_key(f["sha256"]), part
                    )
                    suffix = PurePosixPath(f["name"]).suffix
                    zf.write(part, arcname=f"{f['role']}{suffix}")
                    part.unlink()
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        name = re.sub(r"[^A-Za-z0-9._-]", "_", project["name"])[:60] or "project"
        return archive, f"{name}-{str(commit['id'])[:8]}.zip"

    # -------------------------------------------------------------- fork
    async def fork(
        self,
        who: Principal,
        project_id: UUID,
        body: ForkCreate,
        link_token: str | None = None,
    ) -> Project:
        """One transaction: the commits reachable from the chosen commit are
        copied (new ids, same parents' shape, same authors), their files name
        the same stored objects (no bytes copied), and the default branch of
        the new project points at the copy of the chosen commit."""

        async def attempt() -> Project:
            async with self._tx(who, link_token) as conn:
                src = await _project(conn, who.user_id, project_id, LEVEL_READ)
                commit_id = body.commit_id
                if commit_id is None:
                    branches = await repo.list_branches(conn, project_id)
                    heads = {b["name"]: b["head_id"] for b in branches}
                    commit_id = heads.get(src["default_branch"])
                elif await repo.get_commit(conn, project_id, commit_id) is None:
                    raise ValidationFailed("commit_id: no such commit in this project")
                try:
                    row = await repo.insert_project(
                        conn,
                        owner_id=who.user_id,
                        name=body.name or f"{src['name']} (fork)"[:200],
                        description=src["description"],
                        genre=src["genre"],
                        visibility=body.visibility.value,
                        default_branch=src["default_branch"],
                        forked_from_project=project_id,
                        forked_from_commit=commit_id,
                    )
                except asyncpg.ForeignKeyViolationError:
                    # Deleted since it was read. Once the new project's foreign
                    # key holds the source row, a delete waits for this fork.
                    raise NotFound("project not found") from None
                new_id = row["id"]
                head = None
                if commit_id is not None:
                    await repo.copy_history(conn, project_id, new_id, commit_id)
                    head = repo.fork_head(new_id, commit_id)
                await repo.insert_branch(conn, new_id, src["default_branch"], head)
                await repo.insert_event(
                    conn,
                    new_id,
                    who.user_id,
                    "project.forked",
                    {
                        "from_project": str(project_id),
                        "from_commit": str(commit_id) if commit_id else None,
                    },
                )
                return to_project(row)

        result: Project = await _retrying(attempt)
        return result

    # ----------------------------------------------------------- members
    async def members(
        self, who: Principal, project_id: UUID, link_token: str | None = None
    ) -> MemberList:
        async with self._tx(who, link_token) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_READ)
            rows = await repo.list_members(conn, project_id)
        return MemberList(items=[Member(**dict(r)) for r in rows])

    async def invite(self, who: Principal, project_id: UUID, body: MemberInvite) -> Member:
        async with self._tx(who) as conn:
            project = await _project(conn, who.user_id, project_id, LEVEL_OWN)
            user_id = await repo.user_id_by_email(conn, body.email)
            if user_id is None:
                raise ValidationFailed("email: no user with that email has signed up")
            if user_id == project["owner_id"]:
                raise ValidationFailed("email: that is the project's owner")
            row = await repo.upsert_member(conn, project_id, user_id, body.role.value, who.user_id)
            assert row is not None
            await repo.insert_event(
                conn,
                project_id,
                who.user_id,
                "member.added",
                {"user_id": str(user_id), "role": body.role.value},
            )
            return Member(**dict(row), email=body.email.lower())

    async def set_role(
        self, who: Principal, project_id: UUID, user_id: UUID, role: MemberRole
    ) -> Member:
        async with self._tx(who) as conn:
            await _project(conn, who.user_id, project_id, LEVEL_OWN)
            row = await repo.update_member(conn, project_id, user_id, role.value)
            if row is None:
                raise NotFound("member not found")
            await repo.insert_event(
                conn,
                project_id,
                who.user_id,
                "member.updated",
                {"user_id": str(user_id), "role": role.value},
            )
            return Member(**dict(row))

    async def remove_member(self, who: Principal, project_id: UUID, user_id: UUID) -> None:
        async with self._tx(who) as conn:
            # a member may leave; removing someone else takes an owner
            need = LEVEL_READ if user_id == who.user_id else LEVEL_OWN
            await _project(conn, who.user_id, project_id, need)
            # the event first: once removed, a leaving member could not write it
            await repo.insert_event(
                conn, project_id, who.user_id, "member.removed", {"user_id": str(user_id)}
            )
            if not await repo.delete_member(conn, project_id, user_id):
                raise NotFound("member not found")

    # ------------------------------------------------- files by old names
    async def resolve_file(self, who: Principal, filename: str) -> StoredFile:
        """A file of the caller's named the way the music studio's API names
        them: ``upload_{upload id}.{ext}`` (an upload) or ``{job id}_{output}``
        (a job's output); a leading path (``/static/audio/``) is ignored."""
        name = PurePosixPath(filename.strip()).name
        upload = re.fullmatch(r"upload_([0-9a-fA-F-]{36})(?:\.[A-Za-z0-9]{1,8})?", name)
        output = re.fullmatch(r"([0-9a-fA-F-]{36})_(.+)", name)
        async with self._tx(who) as conn:
            if upload:
                with contextlib.suppress(ValueError):
                    row = await uploads_repo.get_upload(conn, UUID(upload.group(1)))
                    if row is not None:
                        return StoredFile(
                            row["bucket"], row["object_path"], row["content_type"],
                            row["original_name"], upload_id=row["id"],
                        )  # fmt: skip
            elif output:
                with contextlib.suppress(ValueError):
                    job_id = UUID(output.group(1))
                    for o in await jobs_repo.list_outputs(conn, [job_id]):
                        if o["name"] == output.group(2):
                            return StoredFile(
                                o["bucket"], o["object_path"], o["content_type"], o["name"],
                                job_id=job_id, output=o["name"],
                            )  # fmt: skip
        raise NotFound("file not found")


@dataclass(frozen=True)
class StoredFile:
    bucket: str
    object_path: str
    content_type: str
    name: str
    upload_id: UUID | None = None
    job_id: UUID | None = None
    output: str | None = None
