"""`accord`: the Accord API from a shell. PROJECT is an id or an exact name.

  accord login [--url URL] (--token KEY | --username NAME)   save the server and a token
  accord projects list | accord projects create NAME --schema FILE [--overlap N]
  accord import PROJECT FILE [--format NAME] [--no-wait]
  accord export PROJECT [--format jsonl] [--include all] [--output FILE]
  accord agreement PROJECT
  accord prelabel start PROJECT [--backend NAME] [--wait] | accord prelabel wait PROJECT JOB

ACCORD_URL and ACCORD_TOKEN override the saved login.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from accord_client import settings
from accord_client.client import Client
from accord_client.errors import AccordError


def _out(text: str, stream: Any = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def _print_json(data: Any) -> None:
    _out(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def cmd_login(args: argparse.Namespace) -> int:
    url = (args.url or settings.resolve()[0]).rstrip("/")
    if args.token:
        token = args.token
    else:
        password = getpass.getpass(f"Password for {args.username} at {url}: ")
        with Client.login(url, args.username, password) as client:
            token = client.token or ""
    with Client(url, token) as client:
        client.projects()  # refuse a token the server does not accept
    path = settings.save(url, token)
    _out(f"Logged in to {url}; token saved in {path}")
    return 0


def cmd_projects(args: argparse.Namespace, client: Client) -> int:
    if args.action == "create":
        schema = json.loads(Path(args.schema).read_text())
        project = client.create_project(args.name, schema, overlap=args.overlap)
        _out(str(project["id"]))
        return 0
    for project in client.projects():
        _out(f"{project['id']}\t{project['name']}\t{project['schema'].get('kind', '')}")
    return 0


def cmd_import(args: argparse.Namespace, client: Client) -> int:
    job = client.import_items(args.project, args.file, format=args.format, wait=not args.no_wait)
    _print_json(job)
    return 0


def cmd_export(args: argparse.Namespace, client: Client) -> int:
    output = args.output or sys.stdout.buffer
    client.export(args.project, format=args.format, include=args.include, output=output)
    return 0


def cmd_agreement(args: argparse.Namespace, client: Client) -> int:
    _print_json(client.agreement(args.project))
    return 0


def cmd_prelabel(args: argparse.Namespace, client: Client) -> int:
    if args.action == "start":
        job = client.prelabel(args.project, backend=args.backend)
        if not args.wait:
            _print_json(job)
            return 0
        job_id = job["id"]
    else:
        job_id = args.job
    _print_json(client.wait_prelabel(args.project, job_id, timeout=args.timeout))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="accord", description="Script the Accord labeling API.")
    top.add_argument("--url", help="server URL (default: ACCORD_URL, else the saved login)")
    commands = top.add_subparsers(dest="command", required=True)

    login = commands.add_parser("login", help="save the server URL and a token")
    who = login.add_mutually_exclusive_group(required=True)
    who.add_argument("--token", help="an API token (Account > API tokens)")
    who.add_argument("--username", help="get a new token with this username (asks the password)")
    login.set_defaults(handler=cmd_login, needs_client=False)

    projects = commands.add_parser("projects", help="list or create projects")
    actions = projects.add_subparsers(dest="action", required=True)
    actions.add_parser("list")
    create = actions.add_parser("create")
    create.add_argument("name")
    create.add_argument("--schema", required=True, help="JSON file with the label schema")
    create.add_argument("--overlap", type=int)
    projects.set_defaults(handler=cmd_projects)

    upload = commands.add_parser("import", help="import items from a file")
    upload.add_argument("project")
    upload.add_argument("file")
    upload.add_argument("--format", default="auto")
    upload.add_argument("--no-wait", action="store_true", help="print the job and return")
    upload.set_defaults(handler=cmd_import)

    export = commands.add_parser("export", help="download the project's labels")
    export.add_argument("project")
    export.add_argument("--format", default="jsonl")
    export.add_argument("--include", default="all", choices=["all", "aggregate", "final"])
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export)

    agreement = commands.add_parser("agreement", help="print the agreement report as JSON")
    agreement.add_argument("project")
    agreement.set_defaults(handler=cmd_agreement)

    _prelabel_parser(commands)
    return top


def _prelabel_parser(commands: Any) -> None:
    prelabel = commands.add_parser("prelabel", help="start or wait for pre-labeling")
    steps = prelabel.add_subparsers(dest="action", required=True)
    start = steps.add_parser("start")
    start.add_argument("project")
    start.add_argument("--backend")
    start.add_argument("--wait", action="store_true")
    wait = steps.add_parser("wait")
    wait.add_argument("project")
    wait.add_argument("job", type=int)
    for step in (start, wait):
        step.add_argument("--timeout", type=float, default=3600.0)
    prelabel.set_defaults(handler=cmd_prelabel)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler: Callable[..., int] = args.handler
    try:
        if not getattr(args, "needs_client", True):
            return handler(args)
        url, token = settings.resolve(args.url)
        if not token:
            _out("accord: not logged in: run `accord login` or set ACCORD_TOKEN", sys.stderr)
            return 2
        with Client(url, token) as client:
            return handler(args, client)
    except AccordError as error:
        _out(f"accord: {error}", sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
