"""The OpenAPI document says what the API answers: error statuses, media types, list shapes."""

from __future__ import annotations

from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.security.routes import api_operations, openapi_schema

# Without a login or a project these answer nothing else: the list of my projects, a new one.
NO_PROJECT = {
    "projects_list", "projects_create", "auth_token_create", "auth_tokens_list", "auth_tokens_create"
}
# Open to anyone: logging in is what they are for, so they never answer 401.
PUBLIC = {"auth_token_create"}


def _operation(operation_id: str) -> dict:
    for path_item in openapi_schema()["paths"].values():
        for operation in path_item.values():
            if operation["operationId"] == operation_id:
                return operation
    raise AssertionError(f"no operation {operation_id}")


def test_the_document_generates_without_errors_or_warnings_and_validates():
    reset_generator_stats()

    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert not GENERATOR_STATS, "drf-spectacular reported errors or warnings (see stderr)"
    validate_schema(schema)


def test_every_operation_documents_401_and_404_and_every_body_400():
    missing = []
    for operation in api_operations():
        described = _operation(operation.operation_id)
        expected = (set() if operation.operation_id in PUBLIC else {"401"})
        expected |= (set() if operation.operation_id in NO_PROJECT else {"404"})
        expected |= {"400"} if "requestBody" in described and operation.method != "DELETE" else set()
        missing += [f"{operation.operation_id} {code}" for code in expected - set(described["responses"])]
    assert missing == []


def test_the_audit_log_is_a_cursor_page_in_json_and_a_download_in_jsonl_and_csv():
    content = _operation("projects_audit_list")["responses"]["200"]["content"]

    assert set(content) == {"application/json", "application/x-ndjson", "text/csv"}
    page = _component(content["application/json"]["schema"])
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"


def _component(schema: dict) -> dict:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return openapi_schema()["components"]["schemas"][name]


def test_long_lists_document_cursor_pages_without_a_count():
    for operation_id in ("projects_items_list", "projects_annotations_list", "projects_predictions_list",
                         "projects_history_list", "projects_audit_list"):
        operation = _operation(operation_id)
        page = _component(operation["responses"]["200"]["content"]["application/json"]["schema"])
        assert "count" not in page["properties"], operation_id
        assert {"cursor", "page_size"} <= {p["name"] for p in operation["parameters"]}, operation_id


def test_the_export_documents_its_formats_and_its_errors():
    operation = _operation("projects_export_retrieve")
    responses = operation["responses"]
    formats = next(p for p in operation["parameters"] if p["name"] == "format")["schema"]["enum"]

    assert set(responses["200"]["content"]) == {
        "application/x-ndjson", "application/json", "text/csv", "text/plain", "application/zip"
    }
    assert {"jsonl", "label_studio", "conll", "spacy", "coco", "yolo"} <= set(formats)
    assert {"400", "401", "403", "404"} <= set(responses)


def test_writes_that_create_document_201():
    created = ["projects_create", "projects_members_create", "projects_prelabel_create",
               "projects_review_items_final_create", "projects_review_annotations_verdict_create",
               "projects_review_items_send_back_create", "projects_review_items_comments_create",
               "projects_guideline_publish_create"]

    assert [name for name in created if "201" not in _operation(name)["responses"]] == []
