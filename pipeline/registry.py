"""Component factories, registered by name as spaCy does: `[pipeline] components` in the config
lists names, and each name's factory builds the stage from the whole config.

A component is a callable over a batch of Docs that fills in its part of each Doc in place.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .doc import Doc


class Component(Protocol):
    def __call__(self, docs: list[Doc]) -> None: ...


Factory = Callable[[dict[str, Any]], Component]
FACTORIES: dict[str, Factory] = {}


def component(name: str) -> Callable[[Factory], Factory]:
    def register(factory: Factory) -> Factory:
        FACTORIES[name] = factory
        return factory
    return register


def create(name: str, config: dict[str, Any]) -> Component:
    if name not in FACTORIES:
        raise KeyError(f"unknown component {name!r}; registered: {', '.join(sorted(FACTORIES))}")
    return FACTORIES[name](config)
