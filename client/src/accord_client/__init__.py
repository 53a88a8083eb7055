"""Accord's Python client: `Client` for the REST API, `AccordError` for what it refuses."""

from accord_client.client import Client
from accord_client.errors import AccordError

__all__ = ["AccordError", "Client"]
__version__ = "0.1.0"
