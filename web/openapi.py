"""The OpenAPI 3.1 description of ``/api``, served at ``/api/openapi.json``.

Written beside the views it describes (web/api.py), except what a job is asked to do: each
kind's request body, the ``kind`` enum and what a job's result holds come from the job-kind
table (``jobs.KINDS``), which also checks those bodies.
"""
from __future__ import annotations

import re
from typing import Any

import licences
import runs
from jobs import KINDS
from search_input import MAX_TAG_LENGTH, MAX_TAGS
from trend_lake.window import VALUE_PATTERN
from uploads import EXPORT_TYPES

_ERROR = {"description": "What is wrong, naming the field",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_UPLOAD_ID = {**_JOB_ID, "name": "upload_id"}
MAX_EVENT_ID = 2**63 - 1
"""The largest id an event can have: SQLite's largest INTEGER, the most a job's event ``seq`` can be."""
_TAG = rf"#?[A-Za-z0-9_]{{1,{MAX_TAG_LENGTH}}}"
_TAG_LIST = rf"^ ?{_TAG}(?:[ ,]+{_TAG}){{0,{MAX_TAGS - 1}}} ?$"
# since/until of the trending list (trend_lake.parse_window reads them; the pattern is its shape, the
# parser also checks the ranges: 1-365 days, 1-720 hours, a day that exists, years 2000-2099, since before until).
_WINDOW_PARAMETERS = [
    {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 40,
                                                                   "pattern": VALUE_PATTERN},
     "description": "Count only posts created from then on: a UTC date (2025-09-01), an ISO date-time, or 1h-720h / "
                    "1d-365d counted back from until. Relative bounds count back from the catalog's newest post, "
                    "not from today (the lake holds dated scrapes); the response's window says which dates it used"},
    {"name": "until", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 40,
                                                                   "pattern": VALUE_PATTERN},
     "description": "Count only posts created before then: a date counts that whole day; a date-time, just before "
                    "it; 1h-720h / 1d-365d, counted back from the newest post. Empty: up to the newest post"},
]
# Where a queued job stands: on the Job and on each event of its stream (one owner: jobs.places says how).
_QUEUE_FIELDS = {
    "queue_position": {"type": ["integer", "null"], "minimum": 1,
                       "description": "While queued: 1 = the next job to start (the jobs that will start before "
                                      "it, oldest first, among those its runner runs: this server's threads, or "
                                      "with TRENDTOK_BROKER_URL every job waiting for a Celery worker); null "
                                      "once it runs or ended"},
    "eta_s": {"type": ["number", "null"], "minimum": 0,
              "description": "While queued: about how many seconds until it is done: the jobs running and ahead "
                             "of it cleared on the runner's slots, then its own run, each taken as the median "
                             "duration of the last 20 succeeded jobs of its kind; null with no such history of "
                             "its kind, and once it runs"},
}
# One event of the /events stream, as an EventSource reads it: `data` is the job's state at that change.
_EVENT = {"type": "object", "required": ["id", "event", "data"], "properties": {
    "id": {"type": "string", "pattern": "^[0-9]+$",
           "description": "Its seq: send it as Last-Event-ID to resume. While the job is queued, its last event "
                          "comes again with the same id each time its queue_position or eta_s changes (as jobs "
                          "ahead start or end), and at once on a stream resumed after it"},
    "event": {"type": "string", "enum": ["progress", "end"]},
    "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": {
        "type": "object", "required": ["job_id", "seq", "at", "status", "fraction"],
        "properties": {"job_id": {"type": "string"}, "seq": {"type": "integer", "minimum": 1}, "at": {"type": "number"},
                       "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                       "stage": {"type": ["string", "null"]}, "done": {"type": "integer"},
                       "total": {"type": "integer"}, "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                       "error": {"type": ["string", "null"]}, **_QUEUE_FIELDS}}},
}}


def openapi_document() -> dict[str, Any]:
    # Each job kind's request body, by kind (the discriminator's mapping); read per call, as the table may grow.
    kind_refs = {name: f"#/components/schemas/{spec.schema_name}" for name, spec in KINDS.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "TrendTok Studio API", "version": "1.0.0",
                 "description": "Searches and generations as jobs: create one, follow its progress, read its result."},
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "paths": {
            "/api/jobs": {
                "post": {
                    "summary": "Start a job",
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                    "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"oneOf": [{"$ref": ref} for ref in kind_refs.values()],
                                   "discriminator": {"propertyName": "kind", "mapping": kind_refs}}}}},
                    "responses": {
                        "202": {"description": "Queued (or, with a repeated Idempotency-Key, the earlier job)",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
                        "400": _ERROR, "401": _ERROR, "403": _ERROR,
                        "429": {**_ERROR, "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                        "503": {**_ERROR, "description": "The job broker (TRENDTOK_BROKER_URL) cannot be reached",
                                "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                    },
                },
                "get": {
                    "summary": "The caller's jobs, newest first",
                    "parameters": [{"name": "limit", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}],
                    "responses": {"200": {"description": "Jobs", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"jobs": {"type": "array",
                                                                  "items": {"$ref": "#/components/schemas/Job"}}}}}}},
                                  "400": _ERROR, "401": _ERROR},
                },
            },
            "/api/jobs/{job_id}": {
                "get": {"summary": "A job: status, stage progress, and its result once it succeeded",
                        "parameters": [_JOB_ID],
                        "responses": {"200": {"description": "The job", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Job"}}}}, "401": _ERROR, "404": _ERROR}},
                "delete": {"summary": "Cancel: a queued job at once, a running one at its next stage",
                           "parameters": [_JOB_ID],
                           "responses": {"200": {"description": "Cancelled"},
                                         "202": {"description": "Running: stops at its next stage"},
                                         "401": _ERROR, "403": _ERROR, "404": _ERROR, "409": _ERROR}},
            },
            "/api/jobs/{job_id}/events": {
                "get": {"summary": "Server-Sent Events: `progress` on each change, then `end`",
                        "description": "A stream holds a server thread until its job ends or its reader goes "
                                       "(noticed at the next `: still running` comment, every 15 s). One API key "
                                       "or browser session may hold TRENDTOK_EVENT_STREAMS (default 4) open at "
                                       "once; one more is 429 until one of them closes.",
                        "parameters": [_JOB_ID, {
                            "name": "Last-Event-ID", "in": "header", "required": False, "schema": {"type": "string"},
                            "description": "The id of the last event read (what an EventSource sends when it "
                                           "reconnects): the stream resumes after it. An id no event can have (not "
                                           f"a whole number from 0 to {MAX_EVENT_ID}) is ignored, as if none were "
                                           "sent: the stream starts again from the job's first event"}],
                        "responses": {"200": {"description": "An event stream",
                                              "content": {"text/event-stream": {"schema": _EVENT}}},
                                      "204": {"description": "The job has ended and Last-Event-ID was its last "
                                                             "event or later: nothing more will come"},
                                      "401": _ERROR, "404": _ERROR,
                                      "429": {**_ERROR, "description": "The caller already holds "
                                                                       "TRENDTOK_EVENT_STREAMS streams open: "
                                                                       "close one, or retry after Retry-After "
                                                                       "seconds (one whose reader left is closed "
                                                                       "by then)",
                                              "headers": {"Retry-After": {"schema": {"type": "integer"}}}}}},
            },
            "/api/uploads": {
                "post": {
                    "summary": "Ask for an upload URL (signed, expiring, used once)",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/NewUpload"}}}},
                    "responses": {"201": {"description": "PUT the bytes to upload_url before expires_at",
                                          "content": {"application/json": {
                                              "schema": {"$ref": "#/components/schemas/UploadTarget"}}}},
                                  "400": _ERROR, "401": _ERROR, "403": _ERROR,
                                  "429": {**_ERROR, "description": "The caller's uploads hold their quota "
                                                                   "(TRENDTOK_UPLOAD_QUOTA_MB)"},
                                  "503": {**_ERROR, "description": "The upload store (S3) cannot sign uploads"}},
                },
            },
            "/api/uploads/{upload_id}": {
                "get": {"summary": "Whether the bytes arrived, and what they are",
                        "parameters": [_UPLOAD_ID],
                        "responses": {"200": {"description": "The upload", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Upload"}}}}, "400": _ERROR, "401": _ERROR,
                            "404": _ERROR, "503": {**_ERROR, "description": "The upload store (S3) did not answer"}}},
            },
            "/api/uploads/{upload_id}/content": {
                "put": {"summary": "The bytes, at the upload_url POST /api/uploads gave (its signature is the "
                                   "credential)", "security": [],
                        "parameters": [_UPLOAD_ID,
                                       {"name": "expires", "in": "query", "required": True, "schema": {"type": "string"}},
                                       {"name": "signature", "in": "query", "required": True,
                                        "schema": {"type": "string"}}],
                        "requestBody": {"required": True, "content": {"application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}}}},
                        "responses": {"200": {"description": "Arrived and checked", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Upload"}}}},
                                      "400": _ERROR, "403": _ERROR, "404": _ERROR, "409": _ERROR, "413": _ERROR,
                                      "422": {**_ERROR, "description": "Arrived, but not a usable clip or export "
                                                                       "(why)"}}},
            },
            "/api/sounds/trending": {
                "get": {"summary": "The catalog's sounds for hashtags, by seed 001's score or by growth",
                        "parameters": [
                            {"name": "tags", "in": "query", "required": True,
                             "schema": {"type": "string", "pattern": _TAG_LIST},
                             "description": f"1 to {MAX_TAGS} hashtags, separated by commas or spaces ('#' optional; "
                                            "letters of any script are taken, the pattern shows ASCII)"},
                            {"name": "limit", "in": "query", "required": False,
                             "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
                            {"name": "sort", "in": "query", "required": False,
                             "schema": {"type": "string", "enum": ["score", "rising"], "default": "score"},
                             "description": "rising: growth between the latest two imports; with since, the "
                                            "change from the window of the same length just before this one"},
                            *_WINDOW_PARAMETERS],
                        "responses": {"200": {"description": "The sounds, best first (an unknown hashtag: none)",
                                              "content": {"application/json": {"schema": {
                                                  "$ref": "#/components/schemas/TrendingSounds"}}}},
                                      "400": _ERROR, "401": _ERROR}},
            },
            "/api/openapi.json": {
                "get": {"summary": "This document", "security": [],
                        "responses": {"200": {"description": "OpenAPI 3.1",
                                              "content": {"application/json": {"schema": {"type": "object"}}}}}},
            },
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                **{spec.schema_name: spec.body_schema() for spec in KINDS.values()},
                **runs.openapi_schemas(),  # Stage and RunResult, from the stage registry
                # Every sound returned carries one: trending rows, a suggest job's suggestions, a similar
                # job's tracks and their TikTok sounds, a run's soundtrack (RunResult's music).
                "Licence": licences.SCHEMA,
                "TrendingSounds": {
                    "type": "object", "required": ["tags", "sort", "sounds"],
                    "properties": {"tags": {"type": "array", "items": {"type": "string"}},
                                   "sort": {"type": "string", "enum": ["score", "rising"]},
                                   "window": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Window"}]},
                                   "sounds": {"type": "array", "items": {
                                       "type": "object",
                                       "required": ["sound_id", "score", "posts", "top_posts", "demo", "playable",
                                                    "licence"],
                                       "properties": {
                                           "sound_id": {"type": "string"}, "title": {"type": ["string", "null"]},
                                           "author": {"type": ["string", "null"]},
                                           "original": {"type": ["boolean", "null"]}, "score": {"type": "integer"},
                                           "posts": {"type": "integer"},
                                           "top_posts": {"type": "array", "items": {"type": "object"}},
                                           "play_url": {"type": ["string", "null"],
                                                        "description": "TikTok's link from the export (often expired)"},
                                           "audio_url": {"type": ["string", "null"],
                                                         "description": "This server's copy, when it has one"},
                                           "playable": {"type": "boolean"}, "demo": {"type": "boolean"},
                                           "posts_per_day": {"type": ["number", "null"]},
                                           "engagement_per_day": {"type": ["number", "null"]},
                                           "is_new": {"type": "boolean"},
                                           "licence": {"$ref": "#/components/schemas/Licence"}}}}},
                },
                "Window": {
                    "type": "object", "required": ["since", "until", "days", "relative_to"],
                    "description": "The window the posts were counted in: since <= createTime < until (UTC)",
                    "properties": {
                        "since": {"type": ["string", "null"], "format": "date-time",
                                  "description": "Its start; null: from the first post"},
                        "until": {"type": "string", "format": "date-time",
                                  "description": "The first second after it"},
                        "days": {"type": ["number", "null"], "description": "Its length; null without a start"},
                        "relative_to": {"type": ["string", "null"], "format": "date-time",
                                        "description": "The newest post's creation time a relative bound counted "
                                                       "back from (null when none did)"}}},
                "NewUpload": {
                    "type": "object", "required": ["filename", "content_type", "size"],
                    "properties": {
                        "filename": {"type": "string", "minLength": 1, "maxLength": 255,
                                     "description": "Shown back to you; never used as a path"},
                        "content_type": {"type": "string",
                                         "pattern": "^(?:(video|audio)/[a-z0-9][a-z0-9.+-]{0,60}|"
                                                    + "|".join(re.escape(t) for t in EXPORT_TYPES) + ")$",
                                         "description": "Declared: video/* or audio/* for a clip, "
                                                        + ", ".join(EXPORT_TYPES) + " for a trend-lake export "
                                                        "(JSON or CSV, whichever is declared); the bytes are "
                                                        "checked for what they are"},
                        "size": {"type": "integer", "minimum": 1,
                                 "description": "Bytes, exactly (a clip up to TRENDTOK_UPLOAD_MAX_MB, an export up "
                                                "to the lake's 512 MiB)"},
                    },
                },
                "UploadTarget": {
                    "type": "object", "required": ["upload_id", "upload_url", "method", "expires_at"],
                    "properties": {"upload_id": {"type": "string"}, "upload_url": {"type": "string"},
                                   "method": {"type": "string", "enum": ["PUT"]}, "headers": {"type": "object"},
                                   "expires_at": {"type": "number"}, "status_url": {"type": "string"}},
                },
                "Upload": {
                    "type": "object", "required": ["upload_id", "status", "arrived"],
                    "properties": {
                        "upload_id": {"type": "string"}, "filename": {"type": "string"},
                        "content_type": {"type": "string"}, "size": {"type": "integer"},
                        "status": {"type": "string", "enum": ["waiting", "receiving", "ready", "rejected", "expired"]},
                        "arrived": {"type": "boolean"},
                        "media": {"type": ["string", "null"], "enum": ["video", "audio", "export", None],
                                  "description": "What the bytes are, once checked"},
                        "format": {"type": ["string", "null"],
                                   "description": "The container (mp4, wav…), or json or csv for an export"},
                        "duration_s": {"type": ["number", "null"]},
                        "error": {"type": ["string", "null"]}, "created_at": {"type": "number"},
                        "expires_at": {"type": "number"}, "received_at": {"type": ["number", "null"]},
                    },
                },
                "Created": {"type": "object", "required": ["job_id", "status", "status_url", "events_url"],
                            "properties": {"job_id": {"type": "string"}, "status": {"type": "string"},
                                           "status_url": {"type": "string"}, "events_url": {"type": "string"}}},
                "Job": {
                    "type": "object",
                    "required": ["job_id", "kind", "status", "fraction", "created_at"],
                    "properties": {
                        "job_id": {"type": "string"}, "kind": {"type": "string", "enum": list(KINDS)},
                        "status": {"type": "string",
                                   "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                        "params": {"type": "object"}, "stage": {"type": ["string", "null"]},
                        "done": {"type": "integer"}, "total": {"type": "integer"},
                        "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                        "error": {"type": ["string", "null"]},
                        "created_at": {"type": "number"}, "started_at": {"type": ["number", "null"]},
                        "finished_at": {"type": ["number", "null"]}, **_QUEUE_FIELDS,
                        "result": {"type": "object", "description": "What the job made, once it succeeded: "
                                   + "; ".join(f"for {spec.name}, {spec.returns}" for spec in KINDS.values())},
                        "status_url": {"type": "string"}, "events_url": {"type": "string"},
                    },
                },
            },
        },
    }
