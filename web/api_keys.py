"""API keys for ``/api``: created on the command line, stored only as hashes.

    flask --app app api-key create my-script     # prints the key once
    flask --app app api-key list
    flask --app app api-key revoke my-script

A key is 32 random bytes (``tt_`` + URL-safe base64): too long to guess, so a
SHA-256 of it is a safe thing to store. A presented key is compared with every
active hash in constant time, and never logged or echoed back.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import time

import click
from flask import current_app
from flask.cli import with_appcontext

import utils
from errors import StudioError

PREFIX = "tt_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
);
"""


class ApiKeyError(StudioError, ValueError):
    """A key name is malformed, taken or unknown; the message names the field."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeys:
    """The ``api_keys`` table in the studio's SQLite file."""

    def __init__(self, path: str | os.PathLike):
        self.database = utils.Database(path, _SCHEMA)

    def create(self, name: str) -> str:
        """A new key called ``name``; the only time the key itself is seen."""
        if not _NAME.match(name or ""):
            raise ApiKeyError("name", "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        key = PREFIX + secrets.token_urlsafe(32)
        try:
            with self.database.write() as db:
                db.execute("INSERT INTO api_keys (name, hash, created_at) VALUES (?, ?, ?)",
                           (name, _hash(key), time.time()))
        except sqlite3.IntegrityError:
            raise ApiKeyError("name", f"a key called {name!r} exists (revoke it first)") from None
        return key

    def list(self) -> list[dict]:
        rows = self.database.read().execute("SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    def revoke(self, name: str) -> None:
        """Revoke and forget the key called ``name`` (its jobs stay, owned by its id)."""
        with self.database.write() as db:
            changed = db.execute("UPDATE api_keys SET revoked_at = ?, name = name || '#' || id "
                                 "WHERE name = ? AND revoked_at IS NULL", (time.time(), name)).rowcount
        if not changed:
            raise ApiKeyError("name", f"no active key called {name!r}")

    def is_active(self, key_id: int) -> bool:
        """Whether the key with this id exists and is not revoked (a signed-in session asks each request)."""
        row = self.database.read().execute("SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL",
                                           (key_id,)).fetchone()
        return row is not None

    def verify(self, key: str | None) -> int | None:
        """The id of the active key ``key``, or None."""
        if not key or not key.startswith(PREFIX):
            return None
        digest = _hash(key)
        rows = self.database.read().execute("SELECT id, hash FROM api_keys WHERE revoked_at IS NULL").fetchall()
        found = None
        for row in rows:  # every hash is compared, so the time does not tell which one matched
            if hmac.compare_digest(row["hash"], digest):
                found = row["id"]
        return found


def init_app(app) -> None:
    app.extensions["api_keys"] = ApiKeys(app.config["TRENDTOK_DB"])
    app.cli.add_command(api_key_group)


@click.group("api-key")
def api_key_group() -> None:
    """Create, list and revoke the keys that /api accepts (X-API-Key)."""


@api_key_group.command("create")
@click.argument("name")
@with_appcontext
def create_command(name: str) -> None:
    """Create a key called NAME and print it (shown this once only)."""
    try:
        key = current_app.extensions["api_keys"].create(name)
    except ApiKeyError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(key)


@api_key_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the keys (names and dates, never the keys)."""
    for row in current_app.extensions["api_keys"].list():
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["created_at"]))
        state = "revoked" if row["revoked_at"] else "active"
        click.echo(f"{row['name']}\t{state}\tcreated {created}")


@api_key_group.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_command(name: str) -> None:
    """Revoke the key called NAME."""
    try:
        current_app.extensions["api_keys"].revoke(name)
    except ApiKeyError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"revoked {name}")
