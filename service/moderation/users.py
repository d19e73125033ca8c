"""Moderator accounts: created by ops on the command line, checked at login."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from service.storage import credentials, db
from service.storage.moderation import users

ROLES = ("moderator", "admin")
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    sites: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_see(self, site_id: str) -> bool:
        return self.is_admin or site_id in self.sites


def _user(row: sa.Row) -> User:
    return User(id=row.id, name=row.name, role=row.role, sites=tuple(row.sites or ()))


def create_user(conn: sa.Connection, name: str, role: str, sites: list[str]) -> tuple[User, str]:
    """Store a new account; returns it with its generated password (shown once, kept as a hash)."""
    name = name.strip()
    if not name:
        raise ValueError("the user name must not be empty")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    known = set(conn.execute(sa.select(db.sites.c.id).where(db.sites.c.id.in_(sites))).scalars())
    unknown = [s for s in sites if s not in known]
    if unknown:
        raise ValueError(f"unknown site(s): {', '.join(unknown)}")
    if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
        raise ValueError(f"a user named {name!r} exists already")
    password = secrets.token_urlsafe(15)
    user_id = conn.execute(
        users.insert()
        .values(
            name=name,
            password_hash=generate_password_hash(password, method="scrypt"),
            role=role,
            sites=sorted(set(sites)),
            created_at=db.utcnow(),
        )
        .returning(users.c.id)
    ).scalar_one()
    return User(id=user_id, name=name, role=role, sites=tuple(sorted(set(sites)))), password


def reset_password(conn: sa.Connection, name: str) -> tuple[User, str]:
    """Give the account a new generated password (shown once, kept as a hash)."""
    row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
    if row is None:
        raise ValueError(f"no user named {name!r}")
    password = secrets.token_urlsafe(15)
    conn.execute(
        users.update()
        .where(users.c.id == row.id)
        .values(password_hash=generate_password_hash(password, method="scrypt"))
    )
    return _user(row), password


def _enabled(conn: sa.Connection):
    """Accounts that are not disabled (`users disable`)."""
    disabled = sa.select(credentials.disabled_users.c.user_id)
    return sa.select(users).where(users.c.id.not_in(disabled))


def authenticate(conn: sa.Connection, name: str, password: str) -> User | None:
    row = conn.execute(_enabled(conn).where(users.c.name == name)).first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return _user(row) if check_password_hash(row.password_hash, password) else None


def get_user(conn: sa.Connection, user_id: int) -> User | None:
    """The account, or None when it is gone or disabled: its sessions then end at once."""
    row = conn.execute(_enabled(conn).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def _named(conn: sa.Connection, name: str) -> sa.Row:
    row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
    if row is None:
        raise ValueError(f"no user named {name!r}")
    return row


def set_disabled(conn: sa.Connection, name: str, disabled: bool, actor: str) -> User:
    """Disable (no login, sessions stop counting) or enable an account; audited."""
    row = _named(conn, name)
    table = credentials.disabled_users
    conn.execute(table.delete().where(table.c.user_id == row.id))
    if disabled:
        conn.execute(table.insert().values(user_id=row.id, disabled_at=db.utcnow()))
    action = "disable" if disabled else "enable"
    credentials.audit(conn, f"user:{row.name}", action, actor)
    return _user(row)


def delete_user(conn: sa.Connection, name: str, actor: str) -> User:
    """Remove an account (its past decisions keep its name); audited."""
    row = _named(conn, name)
    table = credentials.disabled_users
    conn.execute(table.delete().where(table.c.user_id == row.id))
    conn.execute(users.delete().where(users.c.id == row.id))
    credentials.audit(conn, f"user:{row.name}", "delete", actor)
    return _user(row)


def list_users(conn: sa.Connection) -> list[User]:
    return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]
