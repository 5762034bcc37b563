"""/api fuzzed from its own OpenAPI document (schemathesis): no 5xx, only the statuses, headers and
bodies the document gives, and every 4xx an ``{"error": "<field>: ..."}`` naming what the caller sent.

Generation is derandomized, so a run here fails or passes as it did in CI. The budget is a few hundred
cases per operation (``FUZZ``: 500 of any kind, then 200 more on a real job and upload for each
operation on one), which keeps the module around two minutes on two shared cores (under three). What a
40 000-case run once found (a Last-Event-ID past SQLite's integers; a search's empty ``tags`` and an
upload's ``size`` of ``4943572.0``, each schema-valid and refused) is asked for by name below, since a
bounded run is unlikely to come upon it again.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import create_key, studio_config

pytestmark = pytest.mark.slow  # fuzzing every API route

FUZZ = settings(max_examples=500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """A studio of its own: the session's ``app`` runs real searches for the other tests, and
    hundreds of fuzzed jobs queued there would hold them up."""
    from app import create_app

    flask_app = create_app(studio_config(
        tmp_path_factory.mktemp("fuzz"),
        TRENDTOK_BROKER_URL=None,  # the thread runner, whose handlers are swapped below
        # The fuzzer's uploads would fill a quota the real-resources pass then needs (its 429 is tested apart).
        TRENDTOK_UPLOAD_QUOTA_MB=0,
    ))
    jobs = flask_app.extensions["jobs"]

    # How /api answers about a job is under test here, not what the job does: a fuzzed job ends at
    # once (so its event stream ends too) instead of keeping both cores busy for minutes.
    def settle(job, context):
        context.progress("done", 1, 1, 1.0)
        return {"kind": job.kind, "params": job.params}

    jobs.runner.handlers = {kind: settle for kind in jobs.runner.handlers}
    yield flask_app
    jobs.close()
    flask_app.extensions["studio"].close()


@pytest.fixture(scope="module")
def key(fuzz_app):
    return create_key(fuzz_app, "fuzzer")


#: The built-in checks every fuzzed call is held to (besides positive_data_acceptance and the rest of the defaults).
BUILT_IN_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance")


@pytest.fixture(scope="module")
def api_schema(fuzz_app, key):
    config = schemathesis.Config.from_dict({
        # On for every operation whatever schemathesis's defaults become: no 5xx, only documented
        # statuses, headers and media types, and bodies that match their schema.
        "checks": {name: {"enabled": True} for name in BUILT_IN_CHECKS},
        # Through the document's own security scheme, so schemathesis also sends a few requests
        # without the key or with a wrong one, and expects the documented 401 for them.
        "auth": {"openapi": {"apiKey": {"api_key": key}}},
        # A body can be schema-valid and still refused: JSON Schema cannot say which characters a
        # hashtag may have, how big this server lets an upload be, that an upload_id or run_id must
        # name the caller's ready upload or a finished run, or that uploaded bytes must be as many as
        # were declared and a clip. Such a 400 or 422 must still name its field
        # (errors_name_their_field); every other operation must take whatever is valid.
        "operations": [{
            "include-path": ["/api/jobs", "/api/uploads"], "include-method": "POST",
            "checks": {"positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}},
        }, {
            # A window's since and until each match their pattern and may still be refused: a date
            # that is none (2021-02-30), a length past its range (999d), a since after the until.
            # (No include-method: schemathesis ORs an entry's filters, so "GET" would match every GET.)
            "include-path": "/api/sounds/trending",
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401"]}},
        }, {
            "include-path": "/api/uploads/{upload_id}/content", "include-method": "PUT",
            "checks": {"positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "403", "404", "409", "413", "422"]}},
        }],
    })
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app, config=config)


@pytest.fixture(scope="module")
def resources(fuzz_app, key, wait_job):
    """A finished job and an upload waiting for its bytes, with what a call needs to reach each."""
    client = fuzz_app.test_client()
    created = client.post("/api/jobs", json={"kind": "search", "tags": ["Foodie"]}, headers={"X-API-Key": key})
    assert created.status_code == 202, created.get_data(as_text=True)
    job_id = created.get_json()["job_id"]
    assert wait_job(client, key, job_id, timeout=30)["status"] == "succeeded"
    upload = client.post("/api/uploads", json={"filename": "clip.mp4", "content_type": "video/mp4", "size": 4096},
                         headers={"X-API-Key": key})
    assert upload.status_code == 201, upload.get_data(as_text=True)
    signed = parse_qs(urlsplit(upload.get_json()["upload_url"]).query)
    return {"path": {"job_id": job_id, "upload_id": upload.get_json()["upload_id"]},
            "query": {name: values[0] for name, values in signed.items()}}


def _property_names(document: dict, schema: dict) -> set[str]:
    """Every property name a request body schema can have, through $ref and oneOf/anyOf/allOf."""
    if "$ref" in schema:
        target = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _property_names(document, target)
    names = set(schema.get("properties", {}))
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(keyword, []):
            names |= _property_names(document, branch)
    return names


#: The bytes PUT to an upload URL are held to what POST /api/uploads declared for them, so an error
#: about them may name the declared field they contradict ("size: 4096 bytes were declared, ...").
DECLARED_BY = {("/api/uploads/{upload_id}/content", "put"): ("/api/uploads", "post")}


def _fields(document: dict, path: str, method: str) -> set[str]:
    """What a caller of ``method path`` sends, as the document names it: its parameters, the header
    its security scheme reads, its body as a whole ("body", or "content" for bytes) and each of the
    body's properties."""
    operation = document["paths"][path][method]
    fields = {parameter["name"] for parameter in operation.get("parameters", [])}
    schemes = document["components"]["securitySchemes"]
    for requirement in operation.get("security", document.get("security", [])):
        fields |= {schemes[name]["name"] for name in requirement if schemes[name]["in"] == "header"}
    if "requestBody" in operation:
        fields |= {"body", "content"}
        for media in operation["requestBody"]["content"].values():
            fields |= _property_names(document, media["schema"])
    if (path, method) in DECLARED_BY:
        fields |= _fields(document, *DECLARED_BY[path, method])
    return fields


def errors_name_their_field(ctx, response, case):
    """A 4xx is ``{"error": "<field>: <what is wrong>"}`` where <field> is something this request sent,
    or its method or path when no route takes them."""
    if not 400 <= response.status_code < 500:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), response.headers
    body = json.loads(response.content)
    assert isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], str), body
    operation = case.operation
    fields = _fields(operation.schema.raw_schema, operation.path, operation.method.lower()) | {"method", "path"}
    named = re.match(r"([\w-]+):", body["error"])
    assert named and named.group(1) in fields, f"{body['error']!r} names none of {sorted(fields)}"


def event_streams_end(ctx, response, case):
    """Every job here ends at once, so a stream of its events must end too, not run on until the reader gives up."""
    assert not response.stream_cut_short, "the event stream was still open when the reader gave up on it"


CHECKS = [errors_name_their_field, event_streams_end]
schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(additional_checks=CHECKS)


@schema.include(path_regex=r"\{").parametrize()
@settings(FUZZ, max_examples=200)
def test_operations_on_a_real_job_and_upload_answer_as_documented(case, resources):
    # Made-up ids only ever reach the 404s; these reach the job and upload views' other answers.
    for name in re.findall(r"\{(\w+)\}", case.operation.path):
        case.path_parameters = {**(case.path_parameters or {}), name: resources["path"][name]}
    if case.operation.path.endswith("/content"):
        case.query = {**(case.query or {}), **resources["query"]}
    case.call_and_validate(additional_checks=CHECKS)


def _event_ids(response) -> list[str]:
    return re.findall(r"^id: (.*)$", response.content.decode(), re.MULTILINE)


@pytest.mark.parametrize("resume_from, replayed", [
    ("end", False),  # what an EventSource sends when it reconnects after `end`: 204, so it stops reconnecting
    (str(2**63 - 1), False),  # the largest id an event can have: past the end too
    ("²", True),  # a digit to str.isdigit but not to int(): no event's id, so the whole stream again
    (str(2**63), True),  # past SQLite's integers (once an OverflowError, 500): no event's id either
    pytest.param("9" * 5000, True, id="5000-digits"),  # past the digits int() reads
])
def test_an_event_stream_resumed_oddly_ends_at_once(api_schema, key, resources, resume_from, replayed):
    events = api_schema["/api/jobs/{job_id}/events"]["GET"]
    job = {"job_id": resources["path"]["job_id"]}
    whole = events.Case(path_parameters=job, headers={"X-API-Key": key}).call_and_validate(additional_checks=CHECKS)
    last_event_id = _event_ids(whole)[-1] if resume_from == "end" else resume_from
    resumed = events.Case(path_parameters=job, headers={"X-API-Key": key, "Last-Event-ID": last_event_id}) \
        .call_and_validate(additional_checks=CHECKS)
    assert (resumed.status_code, _event_ids(resumed)) == ((200, _event_ids(whole)) if replayed else (204, []))


def test_a_file_name_longer_than_documented_is_refused_before_it_is_cleaned(api_schema, key):
    operation = api_schema["/api/uploads"]["POST"]
    longest = operation.schema.raw_schema["components"]["schemas"]["NewUpload"]["properties"]["filename"]["maxLength"]
    # Control characters are dropped from a name, which once let a name over the limit through.
    case = operation.Case(body={"filename": "\x7f" + "a" * longest, "content_type": "video/mp4", "size": 1},
                          media_type="application/json", headers={"X-API-Key": key})
    response = case.call_and_validate(additional_checks=CHECKS)
    assert response.status_code == 400 and json.loads(response.content)["error"].startswith("filename:")


def test_every_operation_is_held_to_the_built_in_checks(api_schema):
    for result in api_schema.get_all_operations():
        operation = result.ok()
        config = api_schema.config.checks_config_for(operation=operation, phase=None)
        assert [name for name in BUILT_IN_CHECKS if not config.get_by_name(name=name).enabled] == [], operation.label


def _document_takes(operation, body) -> bool:
    """Whether ``body`` is valid for ``operation``'s JSON request body, by the document alone."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = operation.schema.raw_schema
    registry = Registry().with_resource("urn:trendtok-api", Resource.from_contents(document, DRAFT202012))
    pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in (
        "paths", operation.path, operation.method.lower(), "requestBody", "content", "application/json", "schema"))
    return Draft202012Validator({"$ref": f"urn:trendtok-api#/{pointer}"}, registry=registry).is_valid(body)


_UPLOAD = {"filename": "clip.mp4", "content_type": "video/mp4"}


@pytest.mark.parametrize("path, body", [
    ("/api/jobs", {"kind": "search", "tags": ""}),  # found by schemathesis: valid then, refused (no hashtag)
    ("/api/jobs", {"kind": "search", "tags": " ,; "}),
    ("/api/jobs", {"kind": "search", "tags": []}),
    ("/api/jobs", {"kind": "search", "tags": ["", " "]}),
    ("/api/jobs", {"kind": "search", "tags": "Foodie"}),
    ("/api/jobs", {"kind": "search", "tags": ["", "#Foodie"]}),
    ("/api/jobs", {"kind": "search", "tags": "Foodie", "duration": 15.0, "seed": 7.0}),
    ("/api/uploads", {**_UPLOAD, "size": 4943572.0}),  # found by schemathesis: an integer to JSON Schema, was 400
    ("/api/uploads", {**_UPLOAD, "size": 4943572}),
    ("/api/uploads", {**_UPLOAD, "size": 4943572.5}),
    ("/api/uploads", {**_UPLOAD, "size": 0.0}),
])
def test_the_document_and_the_server_agree_on_a_body(api_schema, key, path, body):
    operation = api_schema[path]["POST"]
    response = operation.Case(body=body, media_type="application/json", headers={"X-API-Key": key}) \
        .call_and_validate(additional_checks=CHECKS)
    taken = _document_takes(operation, body)
    assert (response.status_code < 300) == taken, (taken, response.status_code, response.content)
