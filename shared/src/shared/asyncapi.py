"""The event catalogue as an AsyncAPI 3.0 document, generated from `shared.contracts`.

    python -m shared.asyncapi > docs/asyncapi.json      # regenerate after changing a contract

Each contract class is a channel on the `domain-events` topic exchange (address = its routing
key `<producer>.<EventName>`) with one message: the envelope every event travels in, its `data`
being the contract's JSON schema. The `analytics.events` stream queue, which receives every
event, is a channel too. The gateway serves the document at `/api/events/asyncapi.json`; a test
fails when the committed `docs/asyncapi.json` no longer matches the contracts.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any, cast

import shared.contracts
from shared.bus import ANALYTICS_STREAM, EXCHANGE
from shared.events import Envelope, Event

VERSION = "1.0.0"
REF = "#/components/schemas/{model}"


def contract_classes() -> list[type[Event]]:
    """Every event contract, ordered by producer then name."""
    found: dict[str, type[Event]] = {}
    for module_info in pkgutil.iter_modules(shared.contracts.__path__):
        module = importlib.import_module(f"shared.contracts.{module_info.name}")
        for _, member in inspect.getmembers(module, inspect.isclass):
            if (
                isinstance(member, type)
                and issubclass(member, Event)
                and member is not Event
                and member.__module__ == module.__name__
            ):
                event_cls = cast("type[Event]", member)
                found[event_cls.routing_key()] = event_cls
    return [found[k] for k in sorted(found)]


def _envelope_schema(cls: type[Event], schemas: dict[str, Any]) -> dict[str, Any]:
    data = cls.model_json_schema(ref_template=REF, mode="serialization")
    schemas.update(data.pop("$defs", {}))
    schemas[cls.type_name()] = data
    envelope = Envelope.model_json_schema(mode="serialization")
    props = envelope["properties"]
    props["type"] = {"type": "string", "const": cls.type_name()}
    props["producer"] = {"type": "string", "const": cls.producer_name()}
    props["schema_version"] = {"type": "integer", "const": cls.schema_version}
    props["data"] = {"$ref": REF.format(model=cls.type_name())}
    envelope["title"] = f"{cls.type_name()} envelope"
    return envelope


def build_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    classes = contract_classes()
    for cls in classes:
        name, key = cls.type_name(), cls.routing_key()
        schemas[f"{name}Envelope"] = _envelope_schema(cls, schemas)
        messages[name] = {
            "name": name,
            "title": name,
            "summary": (inspect.getdoc(cls) or name).split("\n\n")[0].replace("\n", " "),
            "contentType": "application/json",
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "payload": {"$ref": REF.format(model=f"{name}Envelope")},
            "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}},
        }
        channels[key] = {
            "address": key,
            "title": f"{cls.producer_name()} {name}",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": EXCHANGE, "type": "topic", "durable": True},
                    "bindingVersion": "0.3.0",
                }
            },
        }
        operations[f"{cls.producer_name()}.publish{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{name}"}],
        }
    channels[ANALYTICS_STREAM] = {
        "address": ANALYTICS_STREAM,
        "title": "Every domain event (stream queue)",
        "description": (
            "A RabbitMQ stream queue bound to every routing key: read it from any offset"
            " (`x-stream-offset`: first, last, next, an offset or a timestamp); it keeps 30 days."
        ),
        "messages": {
            cls.type_name(): {"$ref": f"#/components/messages/{cls.type_name()}"} for cls in classes
        },
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": {"name": ANALYTICS_STREAM, "durable": True, "exclusive": False},
                "bindingVersion": "0.3.0",
            }
        },
    }
    operations["readAnalyticsStream"] = {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{ANALYTICS_STREAM}"},
        "messages": [
            {"$ref": f"#/channels/{ANALYTICS_STREAM}/messages/{cls.type_name()}"} for cls in classes
        ],
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Personas domain events",
            "version": VERSION,
            "description": (
                "Every event the services publish, generated from `shared/contracts`. Money is in"
                " integer minor units with a lower-case ISO currency; consumers ignore fields they"
                " do not know; a breaking change is a new `schema_version`. Guide: docs/events.md."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "localhost:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "RabbitMQ of `make run` (guest/guest)",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    return json.dumps(build_document(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
