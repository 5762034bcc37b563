"""The OpenAPI 3.1 description of ``/api``, served at ``/api/openapi.json``.

Written by hand beside the views it describes (web/api.py): the request bodies'
rules are those of ``search_input`` and ``jobs.kinds``.
"""
from __future__ import annotations

from typing import Any

from search_input import DURATIONS, MAX_SEED, MAX_TAG_LENGTH, MAX_TAGS

_ERROR = {"description": "What is wrong, naming the field",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}


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
                        "schema": {"$ref": "#/components/schemas/SearchJob"}}}},
                    "responses": {
                        "202": {"description": "Queued (or, with a repeated Idempotency-Key, the earlier job)",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
                        "400": _ERROR, "401": _ERROR, "403": _ERROR,
                        "429": {**_ERROR, "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
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
                        "parameters": [_JOB_ID, {"name": "Last-Event-ID", "in": "header", "required": False,
                                                 "schema": {"type": "string"}}],
                        "responses": {"200": {"description": "An event stream",
                                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                                      "401": _ERROR, "404": _ERROR}},
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
                        "tags": {"description": f"1 to {MAX_TAGS} hashtags of up to {MAX_TAG_LENGTH} letters, "
                                               "digits or '_' (a list, or one string separated by commas or spaces)",
                                 "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
                        "duration": {"type": "integer", "enum": list(DURATIONS), "default": 15},
                        "seed": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_SEED},
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
                        "result": {"type": "object", "description": "The same JSON as POST /search answers"},
                        "status_url": {"type": "string"}, "events_url": {"type": "string"},
                    },
                },
            },
        },
    }
