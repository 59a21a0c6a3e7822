"""Strict reading of settings from the environment.

Every value comes from an environment variable, or from the file named by
``<NAME>_FILE`` (for secrets mounted by an orchestrator). A value that does not
parse stops start-up with a message that names the variable: a typo in
production must never silently fall back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    """Reads typed values from a mapping (``os.environ`` by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        """The value of ``name`` or of the file named by ``name_FILE``; None if unset."""
        file_name = self.environ.get(f"{name}_FILE")
        direct = self.environ.get(name)
        if file_name is not None and direct is not None:
            raise ImproperlyConfigured(f"{name}: set either {name} or {name}_FILE, not both.")
        if file_name is not None:
            try:
                return Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(
                    f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}."
                ) from exc
        return direct

    def _parse(self, name: str, default: T, parse: Callable[[str], T], expected: str) -> T:
        value = self.raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{name}: expected {expected}, got {value!r}.") from exc

    def string(self, name: str, default: str = "") -> str:
        return self._parse(name, default, str, "a string")

    def boolean(self, name: str, default: bool = False) -> bool:
        def parse(value: str) -> bool:
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(value)

        return self._parse(name, default, parse, "one of true/false/1/0/yes/no/on/off")

    def integer(self, name: str, default: int, minimum: int | None = None) -> int:
        def parse(value: str) -> int:
            number = int(value.strip())
            if minimum is not None and number < minimum:
                raise ValueError(value)
            return number

        expected = "an integer" if minimum is None else f"an integer of at least {minimum}"
        return self._parse(name, default, parse, expected)

    def strings(self, name: str, default: list[str] | None = None) -> list[str]:
        def parse(value: str) -> list[str]:
            return [item.strip() for item in value.split(",") if item.strip()]

        return self._parse(name, list(default or []), parse, "a comma-separated list")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            if value not in choices:
                raise ValueError(value)
            return value

        return self._parse(name, default, parse, "one of " + ", ".join(choices))

    def url(self, name: str, default: str, schemes: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            scheme, sep, rest = value.partition("://")
            if not sep or scheme not in schemes or not rest:
                raise ValueError(value)
            return value

        return self._parse(
            name, default, parse, "a URL starting with " + " or ".join(s + "://" for s in schemes)
        )
