"""Token authentication cost: microseconds per `Authorization: Token KEY` check (one joined read
by the key's SHA-256; last_used_at written at most once a minute, so not in this loop).

    .venv/bin/python bench/token_auth_bench.py [--calls 3000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord .venv/bin/python bench/token_auth_bench.py

The script creates (PostgreSQL) and migrates the database, then adds a user "bench-token-auth"
and one token per run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from pg_setup import database_create

        database_create(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from labeling.api.auth import FastTokenAuthentication
    from labeling.services.tokens import api_token_create

    user, _ = get_user_model().objects.get_or_create(username="bench-token-auth")
    _, key = api_token_create(user=user, name="token_auth_bench")
    auth = FastTokenAuthentication()
    auth.authenticate_credentials(key)  # the first use writes last_used_at
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(args.calls):
            auth.authenticate_credentials(key)
        rounds.append((time.perf_counter() - start) / args.calls * 1e6)
    print(f"{connection.vendor}: {statistics.median(rounds):.0f} us per token check (median of 5 rounds)")


if __name__ == "__main__":
    main()
