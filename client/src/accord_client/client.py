"""The Accord REST API from Python: projects, imports, the annotator's loop, agreement, export,
pre-labeling. Bodies are plain dicts, as the API's JSON (the OpenAPI schema at /api/schema/
documents every field).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from accord_client import settings
from accord_client.errors import AccordError, error_from

FINISHED_IMPORT = ("done", "failed")
FINISHED_PRELABEL = ("done", "failed", "cancelled")
POLL_SECONDS = 0.5


class Client:
    """One Accord server and one user's token.

    Client() reads ACCORD_URL and ACCORD_TOKEN, else the file `accord login` saved.
    Every call raises AccordError when the server answers 4xx or 5xx.
    """

    def __init__(
        self, url: str | None = None, token: str | None = None, *, timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.url, self.token = settings.resolve(url, token)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        self.http = httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout, transport=transport
        )

    @classmethod
    def login(cls, url: str, username: str, password: str) -> Client:
        """A client with a new token for this username and password (POST /api/auth/token)."""
        anonymous = cls(url, token="")
        body = anonymous.request("POST", "/api/auth/token", json={"username": username, "password": password})
        anonymous.close()
        return cls(url, token=body["token"])

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ---------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; the JSON body (None for 204), or AccordError."""
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise error_from(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every row of a cursor-paginated list, following `next` to the end."""
        body = self.request("GET", path, params={k: v for k, v in (params or {}).items() if v})
        while True:
            yield from body["results"]
            if not body.get("next"):
                return
            body = self.request("GET", body["next"])

    # --- projects ----------------------------------------------------------------------
    def projects(self) -> list[dict[str, Any]]:
        """The projects I am a member of, in id order."""
        return list(self.pages("/api/projects"))

    def project(self, project: int | str) -> dict[str, Any]:
        """One project by id, or by exact name among mine."""
        return self.request("GET", f"/api/projects/{self.project_id(project)}")

    def project_id(self, project: int | str) -> int:
        """The id of a project given by id (int or digits) or by its exact name."""
        if isinstance(project, int) or str(project).isdigit():
            return int(project)
        for row in self.projects():
            if row["name"] == project:
                return int(row["id"])
        raise AccordError(404, f"No project of mine is named {project!r}")

    def create_project(
        self, name: str, schema: dict[str, Any], *, overlap: int | None = None, description: str = ""
    ) -> dict[str, Any]:
        """Create a project (I become its lead); `schema` is the label schema object."""
        body: dict[str, Any] = {"name": name, "schema": schema, "description": description}
        if overlap is not None:
            body["overlap"] = overlap
        return self.request("POST", "/api/projects", json=body)

    def add_member(self, project: int | str, username: str, role: str = "annotator") -> dict[str, Any]:
        """Add a user to the project as annotator, reviewer or lead (leads only)."""
        path = f"/api/projects/{self.project_id(project)}/members"
        return self.request("POST", path, json={"username": username, "role": role})

    def items(self, project: int | str, **filters: str) -> Iterator[dict[str, Any]]:
        """The project's items in id order; filters: external_id, status, label, flag, search."""
        return self.pages(f"/api/projects/{self.project_id(project)}/items", filters)

    # --- import and export -------------------------------------------------------------
    def import_items(
        self, project: int | str, source: str | Path | BinaryIO | Iterable[dict[str, Any]], *,
        format: str = "auto", wait: bool = True, timeout: float = 600.0,
    ) -> dict[str, Any]:  # fmt: skip
        """Upload items: a file path, an open binary file, or dicts (sent as JSON Lines).

        Returns the import job; with `wait` (the default) once it has finished, raising
        AccordError with the job's errors when it failed.
        """
        project_id = self.project_id(project)
        path = f"/api/projects/{project_id}/imports"
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:  # streamed from disk, not read into memory
                files = {"file": (Path(source).name, handle)}
                job = self.request("POST", path, files=files, data={"format": format})
        else:
            files = {"file": _upload(source)}
            job = self.request("POST", path, files=files, data={"format": format})
        if not wait:
            return job
        job = self._wait(f"/api/projects/{project_id}/imports/{job['id']}", FINISHED_IMPORT, timeout)
        if job["status"] == "failed":
            raise AccordError(0, f"Import failed: {json.dumps(job['errors'])[:2000]}", job)
        return job

    def import_job(self, project: int | str, job_id: int) -> dict[str, Any]:
        return self.request("GET", f"/api/projects/{self.project_id(project)}/imports/{job_id}")

    def export(
        self, project: int | str, *, format: str = "jsonl", include: str = "all",
        output: str | Path | BinaryIO | None = None,
    ) -> bytes | None:  # fmt: skip
        """The export file's bytes, or None after streaming them to `output` (path or file)."""
        path = f"/api/projects/{self.project_id(project)}/export"
        params = {"format": format, "include": include}
        with self.http.stream("GET", path, params=params) as response:
            if response.status_code >= 400:
                response.read()
                raise error_from(response)
            if output is None:
                return response.read()
            if isinstance(output, str | Path):
                with open(output, "wb") as handle:
                    _copy(response, handle)
            else:
                _copy(response, output)
        return None

    def export_items(self, project: int | str, *, include: str = "all") -> list[dict[str, Any]]:
        """The JSON Lines export as a list of dicts (one per item)."""
        data = self.export(project, format="jsonl", include=include) or b""
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    # --- figures -----------------------------------------------------------------------
    def agreement(self, project: int | str, *, timeout: float = 3600.0) -> dict[str, Any]:
        """The `agreement --json` object (reviewers and leads). A large project's first report
        is computed by a worker (the server answers {"status": "computing"}): wait for it."""
        path = f"/api/projects/{self.project_id(project)}/agreement"
        deadline = time.monotonic() + timeout
        while True:
            report = self.request("GET", path)
            if not (isinstance(report, dict) and report.get("status") == "computing"):
                return report
            if time.monotonic() > deadline:
                raise AccordError(0, f"The agreement report is still computing after {timeout:g} s", report)
            time.sleep(POLL_SECONDS)

    def flags(self, project: int | str, **filters: str) -> Iterator[dict[str, Any]]:
        """Open flags, most severe first; filters: reason, label, annotator, version, status."""
        path = f"/api/projects/{self.project_id(project)}/flags"
        params = {k: v for k, v in filters.items() if v}
        while True:
            body = self.request("GET", path, params=params)
            yield from body["results"]
            if not body.get("next"):
                return
            params["cursor"] = body["next"]

    # --- the annotator's loop ----------------------------------------------------------
    def next(self, project: int | str) -> dict[str, Any] | None:
        """My next {"assignment", "item"}, or None when nothing is left for me."""
        return self.request("POST", f"/api/projects/{self.project_id(project)}/next", json={})

    def submit(
        self, assignment_id: int, value: dict[str, Any], *, lead_time_ms: int | None = None,
        unsure: bool = False, comment: str = "",
    ) -> dict[str, Any]:  # fmt: skip
        """Submit my label for an assignment; the value follows the project's kind."""
        body = {"value": value, "lead_time_ms": lead_time_ms, "unsure": unsure, "comment": comment}
        return self.request("POST", f"/api/assignments/{assignment_id}/submit", json=body)

    def skip(self, assignment_id: int) -> dict[str, Any]:
        return self.request("POST", f"/api/assignments/{assignment_id}/skip")

    def release(self, assignment_id: int) -> dict[str, Any]:
        return self.request("POST", f"/api/assignments/{assignment_id}/release")

    # --- pre-labeling ------------------------------------------------------------------
    def prelabel(self, project: int | str, *, backend: str | None = None) -> dict[str, Any]:
        """Start pre-labeling the project's unlabeled items (leads); returns the job."""
        body = {"backend": backend} if backend else {}
        return self.request("POST", f"/api/projects/{self.project_id(project)}/prelabel", json=body)

    def prelabel_job(self, project: int | str, job_id: int) -> dict[str, Any]:
        return self.request("GET", f"/api/projects/{self.project_id(project)}/prelabel/jobs/{job_id}")

    def wait_prelabel(self, project: int | str, job_id: int, *, timeout: float = 3600.0) -> dict[str, Any]:
        """Poll a pre-label job until it is done, failed or cancelled; AccordError if failed."""
        path = f"/api/projects/{self.project_id(project)}/prelabel/jobs/{job_id}"
        job = self._wait(path, FINISHED_PRELABEL, timeout)
        if job["status"] == "failed":
            raise AccordError(0, f"Pre-labeling failed: {job.get('error') or 'no message'}", job)
        return job

    def _wait(self, path: str, finished: tuple[str, ...], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.request("GET", path)
            if job["status"] in finished:
                return job
            if time.monotonic() > deadline:
                raise AccordError(0, f"Still {job['status']} after {timeout:g} s: {path}", job)
            time.sleep(POLL_SECONDS)


def _upload(source: BinaryIO | Iterable[dict[str, Any]]) -> tuple[str, BinaryIO]:
    """(file name, binary handle) for an open file or for dicts (as JSON Lines)."""
    if hasattr(source, "read"):
        return Path(getattr(source, "name", "items.jsonl")).name, source  # type: ignore[return-value]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in source)  # type: ignore[union-attr]
    return "items.jsonl", io.BytesIO(lines.encode())


def _copy(response: httpx.Response, handle: BinaryIO) -> None:
    for chunk in response.iter_bytes():
        handle.write(chunk)
