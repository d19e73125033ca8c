"""`flask --app service comments import FILE --site SITE`: score a site's archive.

JSON lines (one POST /v1/comments body a line) or CSV (columns id, text, article_id, author_id
and optionally article_title, article_url, author_name, parent_id, store_text; `article.id`
style names work too). Chunks of up to 500 go through the batch endpoint's own code
(service.api.batch_items): one transaction and one queue push each. Resumable: ids the site has
already are skipped (and queued again if still pending), so running the same file again after
an interruption stores nothing twice and finishes what was left.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from service.api import batch_items
from service.storage import db

CSV_FIELDS = {
    "id": ("id",),
    "text": ("text",),
    "parent_id": ("parent_id",),
    "store_text": ("store_text",),
    "article_id": ("article", "id"),
    "article_title": ("article", "title"),
    "article_url": ("article", "url"),
    "author_id": ("author", "id"),
    "author_name": ("author", "name"),
}
_FALSE = {"false", "0", "no"}


@dataclass
class Line:
    number: int
    body: Any  # the comment body, or None when the line could not be read
    error: str = ""
    end: int = 0  # bytes of the file read once this line is


@dataclass
class Counts:
    imported: int = 0
    skipped: int = 0
    differing: int = 0
    bad: int = 0


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", "site_id", required=True, help="The id of the site the comments are from.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default=None,
    help="Default: csv for a .csv file, JSON lines for any other.",
)
@click.option(
    "--chunk-size", type=click.IntRange(1, batch_items.MAX_BATCH), default=500, show_default=True
)
@with_appcontext
def import_comments(file: Path, site_id: str, fmt: str | None, chunk_size: int) -> None:
    """Store and queue every comment of FILE for SITE; skips ids already stored."""
    _require_site(site_id)
    fmt = fmt or ("csv" if file.suffix.lower() == ".csv" else "jsonl")
    counts = Counts()
    size = file.stat().st_size
    with (
        file.open("rb") as handle,
        click.progressbar(length=size, label="importing", file=sys.stderr) as bar,
    ):
        lines = _csv_lines(handle) if fmt == "csv" else _json_lines(handle)
        done = 0
        for chunk in _chunks(lines, chunk_size):
            _import_chunk(site_id, chunk, counts)
            bar.update(chunk[-1].end - done)
            done = chunk[-1].end
    click.echo(
        f"imported {counts.imported}, skipped {counts.skipped} already stored"
        f" ({counts.differing} of them with other text: edit those with PUT),"
        f" {counts.bad} bad lines"
    )
    if counts.bad:
        raise click.exceptions.Exit(1)


def _require_site(site_id: str) -> None:
    with db.engine().connect() as conn:
        found = conn.execute(sa.select(db.sites.c.id).where(db.sites.c.id == site_id)).first()
    if found is None:
        raise click.BadParameter(f"no site {site_id!r} (flask sites list)", param_hint="--site")


def _import_chunk(site_id: str, chunk: list[Line], counts: Counts) -> None:
    readable = [line for line in chunk if line.body is not None]
    for line in chunk:
        if line.body is None:
            _bad(line, line.error, counts)
    items = batch_items.store_batch(site_id, [line.body for line in readable])
    requeue = []
    for line, item in zip(readable, items, strict=True):
        if item.outcome == batch_items.CREATED:
            counts.imported += 1
        elif item.outcome == batch_items.REPEAT:
            counts.skipped += 1
            row = item.row or {}
            counts.differing += row.get("text_state") is None and row.get("text") != item.text
            if row.get("status") == "pending":  # a run killed between its commit and its push
                requeue.append(row["id"])
        else:
            problem = item.problem
            errors = "; ".join(f"{e['field']}: {e['message']}" for e in problem.errors or [])
            _bad(line, f"{problem.detail or problem.title} {errors}".strip(), counts)
    batch_items.queue_comments(requeue)


def _bad(line: Line, message: str, counts: Counts) -> None:
    counts.bad += 1
    click.echo(f"line {line.number}: {message}", err=True)


def _chunks(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _decoded(handle) -> Iterator[tuple[str, int]]:
    """Each line as text, with the bytes read so far. Bytes that are not UTF-8 become lone
    surrogates, which the comment's own checks then refuse (that line only)."""
    read = 0
    for raw in handle:
        read += len(raw)
        yield raw.decode("utf-8", errors="surrogateescape"), read


def _json_lines(handle) -> Iterator[Line]:
    for number, (text, read) in enumerate(_decoded(handle), start=1):
        if not text.strip():
            continue
        try:
            body = json.loads(text, parse_constant=_not_json)
        except (ValueError, RecursionError) as exc:
            yield Line(number, None, f"not valid JSON: {exc}", read)
            continue
        yield Line(number, body, end=read)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _csv_lines(handle) -> Iterator[Line]:
    progress = {"read": 0}

    def texts() -> Iterator[str]:
        for text, read in _decoded(handle):
            progress["read"] = read
            yield text

    reader = csv.DictReader(texts())
    for record in reader:
        body: dict[str, Any] = {}
        for column, value in record.items():
            path = CSV_FIELDS.get((column or "").strip().replace(".", "_"))
            if path is None or value is None or value == "":
                continue  # unknown columns, and empty cells (absent fields)
            target = body
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
        if "store_text" in body:
            body["store_text"] = body["store_text"].strip().lower() not in _FALSE
        yield Line(reader.line_num, body, end=progress["read"])
