"""The OpenAPI document is typed enough to generate a client from (issue 17): JSON request
bodies (multipart only for the upload), a named response schema for every JSON answer, one
cursor page style, the items list's filters."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from labeling.models import Role
from tests.factories import MembershipFactory, ProjectFactory
from tests.security.routes import openapi_schema

# Operations whose success body is a file or a stream in several formats, not one JSON object.
STREAMS = {"projects_export_retrieve", "projects_items_image_retrieve"}


def _operations():
    for path, item in openapi_schema()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _component(ref: str) -> dict:
    return openapi_schema()["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_request_bodies_are_json_except_the_upload():
    kinds = {
        operation["operationId"]: set(operation["requestBody"]["content"])
        for _path, _method, operation in _operations() if "requestBody" in operation
    }  # fmt: skip
    assert kinds.pop("projects_imports_create") == {"multipart/form-data"}
    assert {name: kind for name, kind in kinds.items() if kind != {"application/json"}} == {}


def test_every_json_success_answer_has_a_named_schema():
    untyped = []
    for _path, _method, operation in _operations():
        if operation["operationId"] in STREAMS:
            continue
        for code, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if code.startswith("2") and schema is not None:
                target = schema.get("items", {}) if schema.get("type") == "array" else schema
                if "$ref" not in target:
                    untyped.append(f"{operation['operationId']} {code}")
    assert untyped == []


@pytest.mark.parametrize(
    ("operation_id", "code", "component", "fields"),
    [
        ("projects_next_create", "200", "NextResponse", {"assignment", "item"}),
        ("assignments_submit_create", "200", "SubmitResponse", {"annotation"}),
        ("assignments_skip_create", "200", "AssignmentResponse", {"assignment"}),
        ("assignments_release_create", "200", "AssignmentResponse", {"assignment"}),
        ("projects_agreement_retrieve", "200", "AgreementReport",
         {"items", "percent_agreement", "krippendorff_alpha", "cohen_kappa_pairs"}),
        ("projects_flags_retrieve", "200", "FlagPage", {"results", "next"}),
        ("projects_review_items_retrieve", "200", "ItemReview", {"item", "annotations", "flags"}),
        ("projects_review_items_final_create", "201", "Decision", {"id", "value", "action"}),
        ("projects_prelabel_jobs_retrieve", "200", "PrelabelJob", {"status", "progress"}),
        ("projects_imports_create", "202", "ImportJob", {"status", "progress", "errors"}),
    ],
)  # fmt: skip
def test_the_loop_answers_with_named_schemas(operation_id, code, component, fields):
    operation = next(op for _p, _m, op in _operations() if op["operationId"] == operation_id)
    ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith(f"/{component}")
    assert fields <= set(_component(ref)["properties"])


def test_next_documents_204_when_nothing_is_left():
    operation = next(op for _p, _m, op in _operations() if op["operationId"] == "projects_next_create")
    assert "content" not in operation["responses"]["204"]


def test_every_list_is_a_cursor_page():
    pages = [
        (operation["operationId"], _component(response["content"]["application/json"]["schema"]["$ref"]))
        for _path, method, operation in _operations() if method == "get"
        for code, response in operation["responses"].items()
        if code == "200" and response.get("content", {}).get("application/json", {}).get("schema", {}).get(
            "$ref", "").split("/")[-1].startswith("Paginated")
    ]  # fmt: skip
    assert len(pages) >= 8
    for operation_id, page in pages:
        assert set(page["properties"]) == {"next", "previous", "results"}, operation_id


def test_the_items_list_documents_its_filters():
    operation = next(op for _p, _m, op in _operations() if op["operationId"] == "projects_items_list")
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"external_id", "status", "label", "flag", "search", "cursor", "page_size"} <= names


def _json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes a "null" type."""
    if isinstance(node, list):
        return [_json_schema(child) for child in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["spans", "boxes", "rating"])
def test_an_empty_projects_agreement_report_fits_its_documented_schema(api_as, lead, kind):
    schema = {"kind": kind, "labels": [{"value": "A"}]}
    if kind == "rating":
        schema = {"kind": "rating", "scale": {"min": 1, "max": 5}, "level": "ordinal"}
    project = ProjectFactory(schema=schema)
    MembershipFactory(project=project, user=lead, role=Role.LEAD)

    body = api_as(lead).get(f"/api/projects/{project.pk}/agreement").json()
    assert body["kind"] == kind

    document = _json_schema(openapi_schema())
    validator = Draft202012Validator(
        {"$ref": "#/components/schemas/AgreementReport", "components": document["components"]}
    )
    validator.validate(body)
