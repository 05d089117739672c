"""Check admin API answers against the OpenAPI description the hub serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

DOCUMENT = yaml.safe_load((Path(__file__).parents[2] / "hub" / "admin" / "openapi.yaml").read_text())


def operation(path_template: str, method: str) -> dict[str, Any]:
    return DOCUMENT["paths"][path_template][method.lower()]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def check_response(path_template: str, method: str, status: int, body: Any) -> None:
    """The status is one the description lists for the operation, and a JSON body matches its schema."""
    responses = operation(path_template, method)["responses"]
    assert str(status) in responses, f"{method} {path_template} answered {status}, not described"
    response = _resolve(responses[str(status)])
    content = response.get("content", {})
    if "application/json" not in content:
        return
    schema = {**content["application/json"]["schema"], "components": DOCUMENT["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def check_request(path_template: str, method: str, body: Any) -> bool:
    """Whether the description accepts this request body (used to show the API and its description agree)."""
    schema = operation(path_template, method)["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    return validator.is_valid(body)
