"""Tables of the moderator side: accounts, readers' reports and the moderators' audit log."""

from __future__ import annotations

import sqlalchemy as sa

from service.storage.db import metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    # werkzeug's scrypt hash (salted, slow): the plain password is shown once and never stored.
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # moderator | admin
    # The site ids a moderator may see; admins see every site whatever this holds.
    sa.Column("sites", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "comment_id", sa.String(40), sa.ForeignKey("comments.id"), nullable=False, index=True
    ),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Set when a moderator decides the reported comment; an undo of that decision reopens it.
    sa.Column("resolved_decision_id", sa.Integer),
    sa.Index("ix_reports_site_open", "site_id", "resolved_decision_id"),
)

# Every human action on a comment, beside the decisions table (which keeps the labels): undo needs
# the status and decision the comment had before, and the audit trail shows undos too.
moderation_log = sa.Table(
    "moderation_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "comment_id", sa.String(40), sa.ForeignKey("comments.id"), nullable=False, index=True
    ),
    sa.Column("site_id", sa.String(40), nullable=False),
    sa.Column("moderator", sa.String(200), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # approve | reject | undo
    sa.Column("guideline", sa.String(40)),
    sa.Column("decision_id", sa.Integer),
    sa.Column("previous_status", sa.String(16)),
    sa.Column("previous_decision_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_moderation_log_site_created", "site_id", "created_at"),
)
