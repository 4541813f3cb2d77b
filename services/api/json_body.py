"""JSON bodies parsed straight from their bytes by pydantic, for hot routes.

FastAPI decodes a body with ``json`` and then validates the objects; pydantic can do both
in one pass from the bytes. A route using this takes the raw ``Request``, so its body is
described for the OpenAPI document here, with the model's schema under
``components/schemas`` (added by ``document_json_bodies``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
REF_TEMPLATE = "#/components/schemas/{model}"
_DOCUMENTED: list[type[BaseModel]] = []


def parse_json_body(model: type[Model], body: bytes) -> Model:
    """The validated model, or the same 422 as a FastAPI body parameter (``body.<field>``)."""
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()]
        ) from None


def json_body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body is ``model``."""
    _DOCUMENTED.append(model)
    schema = {"$ref": REF_TEMPLATE.format(model=model.__name__)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def document_json_bodies(app: FastAPI) -> None:
    """Make the app's OpenAPI document hold the schemas of bodies given by ``json_body_doc``."""
    build_default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build_default()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in _DOCUMENTED:
                schema = model.model_json_schema(ref_template=REF_TEMPLATE)
                schemas.update(schema.pop("$defs", {}))
                schemas[model.__name__] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
