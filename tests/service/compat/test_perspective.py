"""Perspective-compatible endpoints: requests and responses shaped as Perspective's documentation
shows them (developers.perspectiveapi.com, AnalyzeComment and SuggestCommentScore)."""

from __future__ import annotations

import sqlalchemy as sa

from service.storage.integrations import analyzed_texts, suggested_scores
from tests.helpers.apps import make_site

ANALYZE = "/v1alpha1/comments:analyze"


def test_analyze_answers_the_documented_example_shape(client, sync_worker) -> None:
    _, key = make_site(client.application)
    text = "What kind of idiot name is foo?"
    response = client.post(
        f"{ANALYZE}?key={key}",
        json={
            "comment": {"text": text},
            "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}},
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"attributeScores", "languages", "detectedLanguages"}
    assert body["languages"] == ["en"]
    toxicity = body["attributeScores"]["TOXICITY"]
    assert set(toxicity) == {"spanScores", "summaryScore"}
    assert toxicity["summaryScore"]["type"] == "PROBABILITY"
    assert 0.5 < toxicity["summaryScore"]["value"] <= 1
    assert toxicity["spanScores"] == [
        {"begin": 0, "end": len(text), "score": toxicity["summaryScore"]}
    ]


def test_every_attribute_threshold_client_token_and_bearer_key(client, sync_worker) -> None:
    _, key = make_site(client.application)
    attributes = [
        "TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT", "SPAM",
    ]  # fmt: skip
    response = client.post(
        ANALYZE,
        json={
            "comment": {"text": "Thanks for the thoughtful article about the city budget."},
            "requestedAttributes": {a: {"scoreType": "PROBABILITY"} for a in attributes},
            "clientToken": "tok-1",
            "communityId": "news/politics",
            "sessionId": "s1",
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert sorted(body["attributeScores"]) == sorted(attributes)
    assert body["clientToken"] == "tok-1"
    assert body["detectedLanguages"] == ["en"]
    scores = {a: v["summaryScore"]["value"] for a, v in body["attributeScores"].items()}
    assert scores["SEVERE_TOXICITY"] <= scores["TOXICITY"] < 0.5

    # scoreThreshold leaves out attributes scoring below it.
    thresholded = client.post(
        f"{ANALYZE}?key={key}",
        json={
            "comment": {"text": "Thanks for the thoughtful article about the city budget."},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.9}, "SPAM": {}},
        },
    ).get_json()
    assert list(thresholded["attributeScores"]) == ["SPAM"]


def test_span_annotations_point_at_the_evidence(client, sync_worker) -> None:
    _, key = make_site(client.application)
    text = "I read the whole piece and honestly you are a complete idiot, nothing else."
    body = client.post(
        f"{ANALYZE}?key={key}",
        json={
            "comment": {"text": text},
            "requestedAttributes": {"INSULT": {}},
            "spanAnnotations": True,
        },
    ).get_json()
    spans = body["attributeScores"]["INSULT"]["spanScores"]
    assert spans, body
    assert any("idiot" in text[s["begin"] : s["end"]] for s in spans)
    assert all(s["end"] - s["begin"] < len(text) for s in spans)


def test_do_not_store_keeps_nothing_of_the_text(client, sync_worker) -> None:
    app = client.application
    _, key = make_site(app)
    secret = "a very distinctive sentence about zebras and idiots 4711"
    response = client.post(
        f"{ANALYZE}?key={key}",
        json={
            "comment": {"text": secret},
            "requestedAttributes": {"TOXICITY": {}},
            "doNotStore": True,
        },
    )
    assert response.status_code == 200
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(analyzed_texts)).scalar() == 0
    # Nothing in any table, nothing left in Redis.
    with engine.connect() as conn:
        for table in engine.dialect.get_table_names(conn):
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                assert "zebras" not in " ".join(str(v) for v in row)
    redis_conn = app.extensions["redis"]
    for redis_key in redis_conn.scan_iter("*"):
        kind = redis_conn.type(redis_key)
        if kind == b"string":
            assert b"zebras" not in redis_conn.get(redis_key)
        elif kind == b"list":
            assert not any(b"zebras" in v for v in redis_conn.lrange(redis_key, 0, -1))
        elif kind == b"hash":
            assert not any(b"zebras" in v for v in redis_conn.hgetall(redis_key).values())

    # Without doNotStore the text is kept with its scores.
    client.post(
        f"{ANALYZE}?key={key}",
        json={"comment": {"text": secret}, "requestedAttributes": {"TOXICITY": {}}},
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(analyzed_texts.c.text)).scalars().all() == [secret]


def test_errors_have_googles_shape(client) -> None:
    _, key = make_site(client.application)
    cases = [
        ({"comment": {"text": "hi"}, "requestedAttributes": {"SARCASM": {}}}, "Unknown attribute"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {}}, "requestedAttributes"),
        ({"requestedAttributes": {"TOXICITY": {}}}, "comment.text"),
        (
            {
                "comment": {"text": "hi"},
                "requestedAttributes": {"TOXICITY": {}},
                "languages": ["xx"],
            },
            "languages",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}},
            "scoreThreshold",
        ),
    ]
    for payload, words in cases:
        response = client.post(f"{ANALYZE}?key={key}", json=payload)
        assert response.status_code == 400, payload
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "status"}
        assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
        assert words in error["message"]
    missing = client.post(ANALYZE, json=cases[0][0])
    assert missing.status_code == 403
    assert missing.get_json()["error"]["status"] == "PERMISSION_DENIED"
    wrong = client.post(f"{ANALYZE}?key=mk_wrong", json=cases[0][0])
    assert wrong.get_json()["error"]["message"].startswith("API key not valid")
    not_json = client.post(f"{ANALYZE}?key={key}", data="{", content_type="application/json")
    assert not_json.status_code == 400
    assert not_json.get_json()["error"]["status"] == "INVALID_ARGUMENT"


def test_no_worker_answers_503_unavailable(client) -> None:
    client.application.config["PERSPECTIVE_BUDGET_MS"] = 50
    _, key = make_site(client.application)
    response = client.post(
        f"{ANALYZE}?key={key}",
        json={"comment": {"text": "hello there"}, "requestedAttributes": {"TOXICITY": {}}},
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["status"] == "UNAVAILABLE"


def test_suggestscore_stores_the_scores_as_labels(client) -> None:
    app = client.application
    _, key = make_site(app)
    response = client.post(
        f"/v1alpha1/comments:suggestscore?key={key}",
        json={
            "comment": {"text": "You people are all crooks"},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.8}}},
            "languages": ["en"],
            "communityId": "news",
            "clientToken": "abc",
        },
    )
    assert response.status_code == 200
    assert response.get_json() == {"clientToken": "abc"}
    with app.extensions["db_engine"].connect() as conn:
        row = conn.execute(sa.select(suggested_scores)).one()
    assert row.text == "You people are all crooks"
    assert row.attribute_scores == {"TOXICITY": 0.8}
    bad = client.post(
        f"/v1alpha1/comments:suggestscore?key={key}",
        json={"comment": {"text": "x"}, "attributeScores": {"TOXICITY": {"summaryScore": {}}}},
    )
    assert bad.status_code == 400


def test_suggestscore_refuses_a_summary_score_that_is_not_an_object(client) -> None:
    _, key = make_site(client.application)
    for summary in (None, 0.5, "0.5", [0.5]):
        response = client.post(
            f"/v1alpha1/comments:suggestscore?key={key}",
            json={
                "comment": {"text": "x"},
                "attributeScores": {"TOXICITY": {"summaryScore": summary}},
            },
        )
        assert response.status_code == 400, summary
        assert response.get_json()["error"]["status"] == "INVALID_ARGUMENT"
