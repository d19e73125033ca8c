"""`/openapi.json` and `/docs`: the API document and a plain page listing every operation
(server-rendered, no scripts or CDN, so it works offline and behind strict policies)."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, render_template_string

from service.docs import openapi_spec

bp = Blueprint("docs", __name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ spec.info.title }} API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}
.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #678}
.m{font-weight:bold;text-transform:uppercase;display:inline-block;width:4.5rem}
code{background:#f3f3f3;padding:0 .2rem}
details pre{background:#f7f7f7;padding:.5rem;overflow:auto;font-size:.85rem}
</style></head><body>
<h1>{{ spec.info.title }} API <small>v{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI {{ spec.openapi }}).
Authenticate with <code>Authorization: Bearer &lt;site key&gt;</code>.</p>
{% for tag, ops in groups %}
<h2 id="{{ tag }}">{{ tag }}</h2>
{% for path, method, op in ops %}
<div class="op"><span class="m">{{ method }}</span> <code>{{ path }}</code>
<p>{{ op.summary }}{% if op.description %}. {{ op.description }}{% endif %}</p>
{% if op.parameters %}<p>Parameters:
{% for p in op.parameters %}<code>{{ p.name }}</code> ({{ p["in"] }}{% if p.required %},
required{% endif %}){% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
{% if op.requestBody %}<details><summary>Request body</summary>
<pre>{{ body_of(op) }}</pre></details>{% endif %}
<p>Responses: {% for code, r in op.responses.items() %}<code>{{ code }}</code>
{{ r.description }}{% if not loop.last %}; {% endif %}{% endfor %}</p>
</div>
{% endfor %}{% endfor %}
</body></html>"""


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi_spec.build(current_app.config))


@bp.get("/docs")
def docs_page():
    spec = openapi_spec.build(current_app.config)
    groups: dict[str, list] = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            groups.setdefault(op.get("tags", ["other"])[0], []).append((path, method, op))

    def body_of(op: dict) -> str:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return json.dumps(schema, indent=2)

    return render_template_string(PAGE, spec=spec, groups=list(groups.items()), body_of=body_of)
