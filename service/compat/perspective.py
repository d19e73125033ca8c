"""Perspective-compatible `comments:analyze` and `comments:suggestscore`: a drop-in for sites that
call Google's Perspective API today (directly or through Coral Talk).

Attributes map onto our classifier's categories. SEVERE_TOXICITY has no category of its own and
is derived (toxicity times the strongest specific harm), so it never exceeds TOXICITY and is high
only when a comment is both toxic and clearly insulting, obscene, hateful or threatening.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify

from service.compat.google_errors import GoogleError, install
from service.http.auth import request_site_key, site_for_key
from service.http.parsing import json_body
from service.storage import db
from service.storage.integrations import analyzed_texts, suggested_scores
from service.transport import sync_scoring

bp = Blueprint("perspective", __name__, url_prefix="/v1alpha1")
install(bp)

SETTINGS = {"PERSPECTIVE_BUDGET_MS": 2000}

ATTRIBUTES: dict[str, str | None] = {
    "TOXICITY": "toxicity",
    "SEVERE_TOXICITY": None,
    "IDENTITY_ATTACK": "identity_attack",
    "INSULT": "insult",
    "PROFANITY": "obscene",
    "THREAT": "threat",
    "SPAM": "spam",
}
SEVERE_PARTS = ("insult", "threat", "identity_attack", "obscene")
LANGUAGES = ("en",)


def site_from_key() -> dict[str, Any]:
    """The key as `?key=` (how Perspective clients send it) or as a bearer header."""
    key = request_site_key()
    if not key:
        raise GoogleError(403, "The request is missing a valid API key.")
    site = site_for_key(key)
    if site is None:
        raise GoogleError(400, "API key not valid. Please pass a valid API key.")
    g.site = site
    return site


@bp.post("/comments:analyze")
def analyze():
    site = site_from_key()
    body = json_body()
    text = _comment_text(body)
    requested = _requested_attributes(body.get("requestedAttributes"))
    languages = _languages(body.get("languages"))
    do_not_store = _flag(body, "doNotStore")
    want_spans = _flag(body, "spanAnnotations")
    client_token = _optional_string(body, "clientToken")
    community_id = _optional_string(body, "communityId")
    _optional_string(body, "sessionId")

    categories = sorted({ATTRIBUTES[a] or "toxicity" for a in requested}) if want_spans else []
    budget = int(current_app.config["PERSPECTIVE_BUDGET_MS"])
    try:
        answer = sync_scoring.score_now(text, budget, spans=categories)
    except sync_scoring.NoAnswer:
        raise GoogleError(503, "No scoring worker answered in time; retry.") from None

    scores = attribute_scores(answer["scores"])
    result: dict[str, Any] = {"attributeScores": {}}
    for attribute, options in requested.items():
        value = scores[attribute]
        threshold = options.get("scoreThreshold")
        if threshold is not None and value < threshold:
            continue  # Perspective leaves out attributes below the asked threshold
        score = {"value": value, "type": "PROBABILITY"}
        # As Perspective does: one span over the whole text, or with spanAnnotations the parts
        # that carry the score (our evidence spans: the words that pushed it up most).
        spans = [{"begin": 0, "end": len(text)}]
        if want_spans:
            category = ATTRIBUTES[attribute] or "toxicity"
            spans = [
                {"begin": s["start"], "end": s["end"]} for s in answer["spans"].get(category, [])
            ]
        entry = {
            "spanScores": [{**span, "score": score} for span in spans],
            "summaryScore": score,
        }
        result["attributeScores"][attribute] = entry
    detected = [answer["language"]] if answer.get("language") else []
    result["languages"] = languages or detected or list(LANGUAGES)
    result["detectedLanguages"] = detected
    if client_token is not None:
        result["clientToken"] = client_token
    if not do_not_store:  # doNotStore: the text goes nowhere but the worker's memory
        # One statement: autocommit spares the BEGIN and COMMIT round trips.
        with db.autocommit_engine().connect() as conn:
            conn.execute(
                analyzed_texts.insert().values(
                    site_id=site["id"],
                    text=text,
                    scores=scores,
                    community_id=community_id,
                    model_version=answer.get("model_version"),
                    created_at=db.utcnow(),
                )
            )
    return jsonify(result)


@bp.post("/comments:suggestscore")
def suggest_score():
    """A client's own scores for a text, kept as labels for the next training run."""
    site = site_from_key()
    body = json_body()
    text = _comment_text(body)
    raw = body.get("attributeScores")
    if not isinstance(raw, dict) or not raw:
        raise GoogleError(400, "attributeScores is required and must name at least one attribute.")
    labels: dict[str, float] = {}
    for attribute, entry in raw.items():
        if attribute not in ATTRIBUTES:
            raise GoogleError(400, f"Unknown attribute: {attribute}")
        summary = entry.get("summaryScore") if isinstance(entry, dict) else None
        value = summary.get("value") if isinstance(summary, dict) else None
        if isinstance(value, dict) or not _probability(value):
            raise GoogleError(
                400, f"attributeScores.{attribute}.summaryScore.value must be from 0 to 1."
            )
        labels[attribute] = float(value)
    languages = _languages(body.get("languages"))
    client_token = _optional_string(body, "clientToken")
    with db.engine().begin() as conn:
        conn.execute(
            suggested_scores.insert().values(
                site_id=site["id"],
                text=text,
                attribute_scores=labels,
                languages=languages or None,
                community_id=_optional_string(body, "communityId"),
                client_token=client_token,
                created_at=db.utcnow(),
            )
        )
    return jsonify({"clientToken": client_token} if client_token is not None else {})


def attribute_scores(scores: dict[str, float]) -> dict[str, float]:
    out = {a: float(scores.get(c, 0.0)) for a, c in ATTRIBUTES.items() if c is not None}
    severe = scores.get("toxicity", 0.0) * max(scores.get(c, 0.0) for c in SEVERE_PARTS)
    out["SEVERE_TOXICITY"] = round(float(severe), 4)
    return out


def _comment_text(body: dict[str, Any]) -> str:
    comment = body.get("comment")
    text = comment.get("text") if isinstance(comment, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise GoogleError(400, "comment.text is required and must be a non-empty string.")
    limit = int(current_app.config["MAX_TEXT_CHARS"])
    if len(text) > limit:
        raise GoogleError(400, f"Comment text too long: {len(text)} characters, limit {limit}.")
    if not _storable(text):
        raise GoogleError(400, "comment.text contains NUL characters or unpaired surrogates.")
    if comment.get("type", "PLAIN_TEXT") not in ("PLAIN_TEXT", "HTML"):
        raise GoogleError(400, "comment.type must be PLAIN_TEXT or HTML.")
    return text


def _requested_attributes(raw: object) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or not raw:
        raise GoogleError(400, "requestedAttributes must name at least one attribute.")
    requested = {}
    for attribute, options in raw.items():
        if attribute not in ATTRIBUTES:
            raise GoogleError(400, f"Unknown attribute: {attribute}")
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise GoogleError(400, f"requestedAttributes.{attribute} must be an object.")
        if options.get("scoreType", "PROBABILITY") != "PROBABILITY":
            raise GoogleError(400, f"{attribute} supports only scoreType PROBABILITY.")
        threshold = options.get("scoreThreshold")
        if threshold is not None and not _probability(threshold):
            raise GoogleError(400, f"{attribute}.scoreThreshold must be a number from 0 to 1.")
        requested[attribute] = options
    return requested


def _languages(raw: object) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise GoogleError(400, "languages must be a list of language codes.")
    codes = [x.lower().split("-")[0] for x in raw]
    if raw and not any(c in LANGUAGES for c in codes):
        raise GoogleError(
            400, f"Attribute does not support request languages: {', '.join(raw)[:200]}"
        )
    return [c for c in codes if c in LANGUAGES]


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise GoogleError(400, f"{name} must be true or false.")
    return value


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and (
        not isinstance(value, str) or len(value) > 200 or not _storable(value)
    ):
        raise GoogleError(400, f"{name} must be a string of at most 200 characters.")
    return value


def _probability(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _storable(value: str) -> bool:
    """Text every database keeps intact: no NUL (PostgreSQL refuses it) and valid Unicode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value
