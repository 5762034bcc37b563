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
