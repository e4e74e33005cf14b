"""Test helpers of accounts that every app's tests use."""

from __future__ import annotations

from django.test import Client

from .models import User


def client_for(user: User) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
