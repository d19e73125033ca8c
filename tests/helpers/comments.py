"""The comments API as a site calls it: bodies, texts the model tells apart, auth."""

from __future__ import annotations

ABUSIVE = "You are a worthless idiot and a moron, shut up you stupid pig."


CIVIL = (
    "The council's budget plan seems poorly thought out; I hope they revise the transit section."
)


def comment_body(external_id: str = "c-1", text: str = CIVIL, **extra: object) -> dict:
    return {
        "id": external_id,
        "text": text,
        "article": {"id": "a-1", "title": "Budget vote", "url": "https://news.example/a-1"},
        "author": {"id": "u-1", "name": "Reader"},
        "parent_id": None,
        **extra,
    }


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post(client, key: str, body: dict, query: str = ""):
    return client.post(f"/v1/comments{query}", json=body, headers=auth(key))
