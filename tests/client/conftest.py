"""Fixtures of the API clients' tests: the live-server world (tests.live_api)."""

from tests.live_api import live_world  # noqa: F401 - a fixture, registered by importing it
