"""The base of every API request body whose fields all have defaults.

Ninja's `Schema` reads any object by its attributes (to build output from models), so a body of
`true` or `42` would read as "every field at its default" — `POST …/done` with `true` marked a
milestone done. A request body must be a JSON object; anything else is a 422 like any invalid input.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ModelWrapValidatorHandler, model_validator

__all__ = ["ObjectIn"]


class ObjectIn(Schema):
    # "wrap", to see the body before ninja's own wrap turns it into an attribute reader.
    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value: Any, handler: ModelWrapValidatorHandler[ObjectIn]) -> Any:
        if not isinstance(value, dict | cls):
            raise ValueError("The body must be a JSON object.")
        return handler(value)
