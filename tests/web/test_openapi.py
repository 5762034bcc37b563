"""The OpenAPI document's job bodies are the job-kind table's: the ``kind`` enum, the request body of
each of the nine kinds, and what a result holds; a kind added to the table appears with no other edit."""
from __future__ import annotations

from jobs import KINDS, KindSpec
from web.openapi import openapi_document


def _job_bodies(document):
    return document["paths"]["/api/jobs"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_the_kind_enum_and_every_request_body_are_the_tables():
    document = openapi_document()
    schemas = document["components"]["schemas"]
    assert len(KINDS) == 9
    assert schemas["Job"]["properties"]["kind"]["enum"] == list(KINDS)
    body = _job_bodies(document)
    assert body["oneOf"] == [{"$ref": f"#/components/schemas/{spec.schema_name}"} for spec in KINDS.values()]
    assert body["discriminator"] == {"propertyName": "kind", "mapping": {
        name: f"#/components/schemas/{spec.schema_name}" for name, spec in KINDS.items()}}
    for name, spec in KINDS.items():
        schema = schemas[spec.schema_name]
        assert schema["type"] == "object"
        assert schema["required"] == ["kind", *spec.schema.get("required", [])]
        assert schema["properties"]["kind"] == {"type": "string", "enum": [name]}
        own = {field: rule for field, rule in schema["properties"].items() if field not in ("kind", "callback_url")}
        assert own == dict(spec.schema.get("properties", {})), name
        assert "callback_url" in schema["properties"]
        assert spec.returns in schemas["Job"]["properties"]["result"]["description"]


def test_a_kind_added_to_the_table_is_described(monkeypatch):
    from openapi_spec_validator import validate

    toy = KindSpec("toy_kind", lambda payload, submission: {}, lambda job, context, services, upload: {},
                   returns="{toy}", schema={"required": ["level"], "description": "A toy",
                                            "properties": {"level": {"type": "integer"}}})
    monkeypatch.setitem(KINDS, "toy_kind", toy)
    document = openapi_document()
    validate(document)
    assert document["components"]["schemas"]["ToyKindJob"] == {
        "type": "object", "required": ["kind", "level"], "description": "A toy",
        "properties": {"kind": {"type": "string", "enum": ["toy_kind"]}, "level": {"type": "integer"},
                       "callback_url": document["components"]["schemas"]["SearchJob"]["properties"]["callback_url"]}}
    assert {"$ref": "#/components/schemas/ToyKindJob"} in _job_bodies(document)["oneOf"]
    assert "toy_kind" in document["components"]["schemas"]["Job"]["properties"]["kind"]["enum"]


def test_the_trending_window_is_described_and_what_the_parser_takes_fits_it():
    """since/until (issue 21): each value the parser takes matches the documented pattern, and the
    resolved window the API answers with is the documented Window."""
    import re

    import jsonschema

    from trend_lake import parse_window

    document = openapi_document()
    parameters = {p["name"]: p for p in document["paths"]["/api/sounds/trending"]["get"]["parameters"]}
    assert {"since", "until"} <= set(parameters)
    for value in ("30d", "365d", "24h", "720h", "2021-05-01", "2021-05-01T12:00", "2021-05-01T12:00:00Z",
                  "2021-05-01T12:00:00+02:00", "2021-05-01T12:00:00.5Z"):
        parse_window(since=value)
        assert re.match(parameters["since"]["schema"]["pattern"], value), value
    window = document["components"]["schemas"]["Window"]
    answer = document["components"]["schemas"]["TrendingSounds"]["properties"]["window"]
    assert answer["oneOf"][1] == {"$ref": "#/components/schemas/Window"}
    for since, until in (("30d", None), (None, "2021-05-31"), ("2021-05-01", "2021-05-31")):
        jsonschema.validate(parse_window(since=since, until=until).resolve(newest=1_633_217_120).to_dict(), window)
