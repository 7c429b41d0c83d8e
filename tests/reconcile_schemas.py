"""JSON Schemas of the W3C Reconciliation Service API 0.2 answers, for the tests.

Written for parkld from the 0.2 specification (https://reconciliation-api.github.io/specs/0.2/)
and the required/optional members its published schemas list (github.com/reconciliation-api/
specs, 0.2/schemas/*.json, read at commit 8d66bdb); that repository states no licence, so its
files are not copied here. Where the spec says a member is required, it is required here.
"""

from __future__ import annotations

from typing import Any

TYPE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
SERVICE: dict[str, Any] = {
    "type": "object",
    "required": ["service_url", "service_path"],
    "properties": {"service_url": {"type": "string"}, "service_path": {"type": "string"}},
}
TEMPLATE: dict[str, Any] = {
    "type": "object",
    "required": ["url"],
    "properties": {"url": {"type": "string", "pattern": ".*\\{\\{id\\}\\}.*"}},
}

MANIFEST: dict[str, Any] = {
    "type": "object",
    "required": ["versions", "name", "identifierSpace", "schemaSpace"],
    "properties": {
        "versions": {"type": "array", "items": {"type": "string"}, "contains": {"enum": ["0.2"]}},
        "name": {"type": "string"},
        "identifierSpace": {"type": "string"},
        "schemaSpace": {"type": "string"},
        "documentation": {"type": "string"},
        "serviceVersion": {"type": "string"},
        "defaultTypes": {"type": "array", "items": TYPE, "uniqueItems": True},
        "view": TEMPLATE,
        "feature_view": TEMPLATE,
        "preview": {
            "type": "object",
            "required": ["url", "width", "height"],
            "properties": {
                "url": {"type": "string", "pattern": ".*\\{\\{id\\}\\}.*"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
            },
        },
        "suggest": {
            "type": "object",
            "properties": {"entity": SERVICE, "property": SERVICE, "type": SERVICE},
        },
        "extend": {
            "type": "object",
            "properties": {"propose_properties": SERVICE, "property_settings": {"type": "array"}},
        },
    },
}

_PROPERTY_VALUE: dict[str, Any] = {
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
    ]
}
QUERY_BATCH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string"},
            "type": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "limit": {"type": "number"},
            "properties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pid", "v"],
                    "properties": {
                        "pid": {"type": "string"},
                        "v": {
                            "oneOf": [_PROPERTY_VALUE, {"type": "array", "items": _PROPERTY_VALUE}]
                        },
                    },
                },
            },
            "type_strict": {"enum": ["any", "all", "should"]},
        },
    },
}

RESULT_BATCH: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "required": ["result"],
        "properties": {
            "result": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "score"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "score": {"type": "number"},
                        "match": {"type": "boolean"},
                        "features": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "value"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "value": {"oneOf": [{"type": "boolean"}, {"type": "number"}]},
                                },
                            },
                        },
                        "type": {
                            "type": "array",
                            "items": {
                                "oneOf": [
                                    {
                                        "type": "object",
                                        "required": ["id"],
                                        "properties": {
                                            "id": {"type": "string"},
                                            "name": {"type": "string"},
                                        },
                                    },
                                    {"type": "string"},
                                ]
                            },
                        },
                    },
                },
            }
        },
    },
}

SUGGEST: dict[str, Any] = {
    "type": "object",
    "required": ["result"],
    "properties": {
        "result": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "notable": {"type": "array", "items": {"oneOf": [TYPE, {"type": "string"}]}},
                },
            },
        }
    },
}

PROPOSE: dict[str, Any] = {
    "type": "object",
    "required": ["properties"],
    "properties": {
        "type": {"type": "string"},
        "limit": {"type": "number"},
        "properties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
}

_CELL: dict[str, Any] = {
    "oneOf": [
        {"type": "object", "maxProperties": 0},
        {
            "type": "object",
            "required": ["id", "name"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["str"],
            "additionalProperties": False,
            "properties": {"str": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["float"],
            "additionalProperties": False,
            "properties": {"float": {"type": "number"}},
        },
        {
            "type": "object",
            "required": ["int"],
            "additionalProperties": False,
            "properties": {"int": {"type": "integer"}},
        },
        {
            "type": "object",
            "required": ["date"],
            "additionalProperties": False,
            "properties": {"date": {"type": "string"}},
        },
    ]
}
EXTEND_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["rows", "meta"],
    "properties": {
        "meta": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "type": {"type": "object", "required": ["id"]},
                },
            },
        },
        "rows": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _CELL},
            },
        },
    },
}
