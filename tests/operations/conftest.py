"""Fixtures for operations tests: an S3-compatible server on loopback (moto in server mode).

`s3_storage` points Django's default storage at a fresh bucket and MEDIA_ROOT at an empty
folder, so anything that still reads or writes a local media path shows up as a failure.
"""

from __future__ import annotations

import socket
import uuid

import boto3
import pytest

ACCESS_KEY, SECRET_KEY, REGION = "testing", "testing", "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a moto S3 server running in a thread of this test process."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_options(endpoint: str, bucket: str) -> dict[str, object]:
    """The S3Storage OPTIONS config/settings.py builds from the AWS_* variables."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "region_name": REGION,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }


def s3_client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, region_name=REGION,
    )


@pytest.fixture
def s3_storage(settings, tmp_path, s3_endpoint):
    """Default storage = a new bucket on the moto server; MEDIA_ROOT = an empty folder.

    Returns (boto3 client, bucket name, the empty MEDIA_ROOT).
    """
    bucket = f"accord-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    media = tmp_path / "empty-media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(s3_endpoint, bucket)},
    }
    return client, bucket, media


def bucket_keys(client, bucket: str) -> list[str]:
    """Every key in the bucket, sorted."""
    listed = client.list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))
