"""labeling.db.locks: one registry of advisory-lock keys, and the locks it takes on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from labeling.db.locks import LockKind, text_key, xact_lock
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]


def test_every_lock_kind_has_a_number_of_its_own():
    # given the registry, when listing its members (an IntEnum turns a repeated number into an alias)
    numbers = [kind.value for kind in LockKind.__members__.values()]
    # then no two kinds share a first key
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("text", ["", "1:1", "12345:67890", "prelabel batch"])
def test_a_text_key_is_a_stable_signed_32_bit_number(text):
    key = text_key(text)
    assert -(1 << 31) <= key < (1 << 31)
    assert text_key(text) == key


def test_no_module_outside_the_lock_registry_takes_an_advisory_lock():
    # given the application code, when searching it for PostgreSQL's advisory-lock functions
    found = [
        path.relative_to(ROOT).as_posix()
        for app in ("labeling", "review", "guidelines", "frontend", "config")
        for path in sorted((ROOT / app).rglob("*.py"))
        if "pg_advisory" in path.read_text(encoding="utf-8")
    ]
    # then only the registry's module does
    assert found == ["labeling/db/locks.py"]


def _other_session_gets(kind: LockKind, key: int) -> bool:
    """Whether another connection could take the lock right now (it releases it at once)."""
    result: list[bool] = []

    def probe() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [int(kind), key])
                result.append(cursor.fetchone()[0])
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return result[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lock_keeps_other_sessions_out_until_the_transaction_ends():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (advisory locks)")
    key = text_key("test:1")
    # given a transaction holding the lock
    with transaction.atomic():
        xact_lock(LockKind.PRELABEL_BATCH, key)
        # then another session cannot take it, though it can take the same key of another kind
        assert _other_session_gets(LockKind.PRELABEL_BATCH, key) is False
        assert _other_session_gets(LockKind.AGREEMENT_RUN, key) is True
    # and once the transaction ended, it can
    assert _other_session_gets(LockKind.PRELABEL_BATCH, key) is True
