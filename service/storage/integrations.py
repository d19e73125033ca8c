"""Tables of the integrations: webhook endpoints, deliveries and their attempts, Coral settings,
and what the Perspective-compatible endpoints keep (analysed texts and suggested scores)."""

from __future__ import annotations

import sqlalchemy as sa

from service.storage.db import metadata

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.JSON, nullable=False),
    # whsec_... secrets; during a rotation the previous one keeps signing until it expires, so
    # receivers can switch to the new secret without losing a message.
    sa.Column("secret", sa.String(120), nullable=False),
    sa.Column("previous_secret", sa.String(120)),
    sa.Column("previous_expires_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    # The Standard Webhooks message id (webhook-id): the same on every retry of one message.
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "endpoint_id",
        sa.String(40),
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("event_type", sa.String(40), nullable=False),
    sa.Column("comment_id", sa.String(40)),
    # The exact body signed and sent, so a retry or a redelivery sends the same bytes.
    sa.Column("payload", sa.Text, nullable=False),
    # pending (queued or waiting for a retry), succeeded, failed (gave up or refused).
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    # The sweeper's question: which pending deliveries are due (service/webhooks/outbox.py).
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "delivery_id",
        sa.String(40),
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("duration_ms", sa.Integer, nullable=False),
)

site_integrations = sa.Table(
    "site_integrations",
    metadata,
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), primary_key=True),
    sa.Column("kind", sa.String(20), primary_key=True),
    # For Coral: {"secrets": [newest, previous...]}: several are accepted during a rotation.
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Texts sent to comments:analyze without doNotStore, with the scores given: material for review
# and retraining. With doNotStore nothing is written here (or anywhere else).
analyzed_texts = sa.Table(
    "analyzed_texts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("scores", sa.JSON, nullable=False),
    sa.Column("community_id", sa.String(200)),
    sa.Column("model_version", sa.String(80)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# comments:suggestscore: a client's own scores for a text, kept as labels for retraining.
suggested_scores = sa.Table(
    "suggested_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("attribute_scores", sa.JSON, nullable=False),
    sa.Column("languages", sa.JSON),
    sa.Column("community_id", sa.String(200)),
    sa.Column("client_token", sa.String(200)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
