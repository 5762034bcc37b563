"""The OpenAPI 3.1 description of ``/api``, served at ``/api/openapi.json``.

Written by hand beside the views it describes (web/api.py): the request bodies'
rules are those of ``search_input`` and ``jobs.kinds``.
"""
from __future__ import annotations

import re
from typing import Any

from remix import PARTS
from search_input import DURATIONS, MATCH, MAX_SEED, MAX_TAG_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH
from trend_lake.stages import STAGES
from uploads import EXPORT_TYPES

_ERROR = {"description": "What is wrong, naming the field",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_UPLOAD_ID = {**_JOB_ID, "name": "upload_id"}
_RUN_ID = {"type": "string", "description": "The run_id of a finished run (a job's result.run_id)"}
_TAGS = {"description": f"{MAX_TAGS} hashtags at most, of up to {MAX_TAG_LENGTH} letters, digits or '_' "
                        "(a list, or one string separated by commas or spaces)",
         "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
#: A search needs a hashtag: a string or list naming none ("", " , ", [], [""]) is refused, so the schema says
#: so (some character that is neither a separator nor '#'). Which characters a hashtag may have (letters of any
#: script, digits, '_') is more than a JSON Schema pattern can say; those refusals are 400s naming ``tags``.
_A_TAG_CHARACTER = r"[^\s,;#]"
_SOME_TAGS = {"description": "1 to " + _TAGS["description"],
              "oneOf": [{"type": "array", "items": {"type": "string"},
                         "contains": {"type": "string", "pattern": _A_TAG_CHARACTER}},
                        {"type": "string", "pattern": _A_TAG_CHARACTER}]}
_SEED = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_SEED}
MAX_EVENT_ID = 2**63 - 1
"""The largest id an event can have: SQLite's largest INTEGER, the most a job's event ``seq`` can be."""
_TAG = rf"#?[A-Za-z0-9_]{{1,{MAX_TAG_LENGTH}}}"
_TAG_LIST = rf"^ ?{_TAG}(?:[ ,]+{_TAG}){{0,{MAX_TAGS - 1}}} ?$"
_LIMIT = {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
_CALLBACK = {"anyOf": [{"type": "string", "format": "uri", "maxLength": 2000}, {"enum": [None, ""]}],
             "description": "POSTed the final status, signed (X-TrendTok-Signature); its host must be listed in "
                            "TRENDTOK_CALLBACK_HOSTS (null or empty: no callback)"}
# One event of the /events stream, as an EventSource reads it: `data` is the job's state at that change.
_EVENT = {"type": "object", "required": ["id", "event", "data"], "properties": {
    "id": {"type": "string", "pattern": "^[0-9]+$", "description": "Its seq: send it as Last-Event-ID to resume"},
    "event": {"type": "string", "enum": ["progress", "end"]},
    "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": {
        "type": "object", "required": ["job_id", "seq", "at", "status", "fraction"],
        "properties": {"job_id": {"type": "string"}, "seq": {"type": "integer", "minimum": 1}, "at": {"type": "number"},
                       "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                       "stage": {"type": ["string", "null"]}, "done": {"type": "integer"},
                       "total": {"type": "integer"}, "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                       "error": {"type": ["string", "null"]}}}},
}}


def openapi_document() -> dict[str, Any]:
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
                        "schema": {"oneOf": [{"$ref": "#/components/schemas/SearchJob"},
                                             {"$ref": "#/components/schemas/StudioJob"},
                                             {"$ref": "#/components/schemas/RegenerateJob"},
                                             {"$ref": "#/components/schemas/PreviewJob"},
                                             {"$ref": "#/components/schemas/LakeImportJob"},
                                             {"$ref": "#/components/schemas/LakeStagesJob"},
                                             {"$ref": "#/components/schemas/SuggestJob"},
                                             {"$ref": "#/components/schemas/TrySoundJob"},
                                             {"$ref": "#/components/schemas/SimilarJob"}],
                                   "discriminator": {"propertyName": "kind"}}}}},
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
                             "schema": {"type": "string", "enum": ["score", "rising"], "default": "score"}}],
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
                "SearchJob": {
                    "type": "object", "required": ["kind", "tags"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["search"]},
                        "tags": _SOME_TAGS,
                        "duration": {"type": "integer", "enum": list(DURATIONS), "default": 15},
                        "seed": _SEED,
                        "callback_url": _CALLBACK,
                    },
                },
                "StudioJob": {
                    "type": "object", "required": ["kind", "upload_id"],
                    "description": "The studio on the caller's own uploaded video",
                    "properties": {
                        "kind": {"type": "string", "enum": ["studio"]},
                        "upload_id": {"type": "string", "description": "A ready video upload of the caller's"},
                        "duration": {"description": f"\"{MATCH}\": the soundtrack is as long as the clip",
                                     "oneOf": [{"type": "string", "enum": [MATCH]},
                                               {"type": "integer", "enum": list(DURATIONS)}], "default": MATCH},
                        "tags": {**_TAGS, "description": "0 to " + _TAGS["description"] + " (blank: none)"},
                        "seed": _SEED,
                        "title": {"type": "string", "maxLength": MAX_TITLE_LENGTH},
                        "callback_url": _CALLBACK,
                    },
                },
                "RegenerateJob": {
                    "type": "object", "required": ["kind", "run_id", "part"],
                    "description": "A finished run's soundtrack (music) or cover (image) made again with a new "
                                   "seed; the result is a new run with the same content",
                    "properties": {
                        "kind": {"type": "string", "enum": ["regenerate"]},
                        "run_id": _RUN_ID,
                        "part": {"type": "string", "enum": list(PARTS)},
                        "seed": {**_SEED, "description": "Default: a new random seed"},
                        "callback_url": _CALLBACK,
                    },
                },
                "PreviewJob": {
                    "type": "object", "required": ["kind", "run_id"],
                    "description": "An MP4 of the run's clip (or top video, or cover) with its soundtrack mixed "
                                   "in; the result is a new run made from it, with `preview`",
                    "properties": {
                        "kind": {"type": "string", "enum": ["preview"]},
                        "run_id": _RUN_ID,
                        "callback_url": _CALLBACK,
                    },
                },
                "LakeImportJob": {
                    "type": "object", "required": ["kind", "upload_id", "profile"],
                    "description": "The caller's uploaded JSON or CSV export imported into the trend lake as one "
                                   "partition; the result is the import's report (read, imported, skipped, reasons). "
                                   "A file no importer can read fails the job with the reason and imports nothing",
                    "properties": {
                        "kind": {"type": "string", "enum": ["lake_import"]},
                        "upload_id": {"type": "string", "description": "A ready export upload of the caller's "
                                                                       "(declared as " + ", ".join(EXPORT_TYPES) + ")"},
                        "profile": {"type": "string", "minLength": 1,
                                    "description": f"The account or crawl the posts are filed under: up to "
                                                   f"{MAX_TAG_LENGTH} letters, digits or '_' (a leading '#' is "
                                                   "dropped)"},
                        "callback_url": _CALLBACK,
                    },
                },
                "LakeStagesJob": {
                    "type": "object", "required": ["kind"],
                    "description": "The trend lake's stages after ingest, each over the partitions it has not done "
                                   "yet, with one progress stage per lake stage; the result is "
                                   "{\"partitions\": {stage: partitions done}}",
                    "properties": {
                        "kind": {"type": "string", "enum": ["lake_stages"]},
                        "stages": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(STAGES)},
                                   "description": "Default: all, run in this order: " + ", ".join(STAGES)},
                        "callback_url": _CALLBACK,
                    },
                },
                "SuggestJob": {
                    "type": "object", "required": ["kind", "upload_id"],
                    "description": "Catalog sounds that fit the caller's uploaded clip (its speech and captions, look, "
                                   "pace and tempo), each with a one-line reason; the result has `suggestions`, "
                                   "`text` and `video`",
                    "properties": {"kind": {"type": "string", "enum": ["suggest"]},
                                   "upload_id": {"type": "string", "description": "A ready video upload of the caller's"},
                                   "limit": _LIMIT, "callback_url": _CALLBACK},
                },
                "TrySoundJob": {
                    "type": "object", "required": ["kind", "upload_id", "sound_id"],
                    "description": "The caller's clip with a catalog sound from its hook, fitted, loudness-matched and "
                                   "ducked under the clip's speech; the result has the new run's `video_url`",
                    "properties": {"kind": {"type": "string", "enum": ["try_sound"]},
                                   "upload_id": {"type": "string", "description": "A ready video upload of the caller's"},
                                   "sound_id": {"type": "string", "minLength": 1,
                                                "description": "A sound marked playable by /api/sounds/trending or "
                                                               "a suggestion"},
                                   "keep_original": {"type": "boolean", "default": True},
                                   "callback_url": _CALLBACK},
                },
                "SimilarJob": {
                    "type": "object", "required": ["kind", "upload_id"],
                    "description": "Indexed tracks that sound like the caller's uploaded audio (never itself), each with "
                                   "the catalog sounds matching its title and artist; the result has `similar`",
                    "properties": {"kind": {"type": "string", "enum": ["similar"]},
                                   "upload_id": {"type": "string", "description": "A ready audio upload of the caller's"},
                                   "genre": {"type": ["string", "null"], "maxLength": 60},
                                   "limit": _LIMIT, "callback_url": _CALLBACK},
                },
                "TrendingSounds": {
                    "type": "object", "required": ["tags", "sort", "sounds"],
                    "properties": {"tags": {"type": "array", "items": {"type": "string"}},
                                   "sort": {"type": "string", "enum": ["score", "rising"]},
                                   "sounds": {"type": "array", "items": {
                                       "type": "object",
                                       "required": ["sound_id", "score", "posts", "top_posts", "demo", "playable"],
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
                                           "is_new": {"type": "boolean"}}}}},
                },
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
                        "job_id": {"type": "string"}, "kind": {"type": "string"},
                        "status": {"type": "string",
                                   "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                        "params": {"type": "object"}, "stage": {"type": ["string", "null"]},
                        "done": {"type": "integer"}, "total": {"type": "integer"},
                        "fraction": {"type": "number", "minimum": 0, "maximum": 1},
                        "error": {"type": ["string", "null"]},
                        "created_at": {"type": "number"}, "started_at": {"type": ["number", "null"]},
                        "finished_at": {"type": ["number", "null"]},
                        "result": {"type": "object", "description": "A run's JSON, as POST /search answers (a "
                                   "preview job's run also has `preview`); for lake_import the import's report "
                                   "(source, format, table, read, imported, skipped, reasons, examples, partition), "
                                   "for lake_stages {\"partitions\": {stage: partitions done}}; for suggest {suggestions, "
                                   "text, video}; for try_sound {run_id, video_url, hook_start_s…}; for similar "
                                   "{similar}"},
                        "status_url": {"type": "string"}, "events_url": {"type": "string"},
                    },
                },
            },
        },
    }
