"""Strict reading of settings from the environment.

Every value comes from an environment variable, or from the file named by
``<NAME>_FILE`` (for secrets mounted by an orchestrator). A value that does not
parse stops start-up with a message that names the variable: a typo in
production must never silently fall back to a default.
"""

from __future__ import annotations

import base64
import math
import os
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn, TypeVar

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

    def _parse(
        self, name: str, default: T, parse: Callable[[str], T], expected: str, *, echo: bool = True
    ) -> T:
        """Parses the variable; the error quotes the value only when ``echo`` (never for secrets
        or URLs, which may carry a password)."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except (ValueError, TypeError) as exc:
            got = f", got {value[:40]!r}" if echo else ""
            raise ImproperlyConfigured(f"{name}: expected {expected}{got}.") from exc

    def string(self, name: str, default: str = "") -> str:
        """Any text; never quoted back in an error (it may be a secret)."""
        return self._parse(name, default, str, "a string", echo=False)

    def boolean(self, name: str, default: bool = False) -> bool:
        def parse(value: str) -> bool:
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(value)

        return self._parse(name, default, parse, "one of true/false/1/0/yes/no/on/off")

    def integer(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        """An integer, optionally between ``minimum`` and ``maximum`` (inclusive)."""

        def parse(value: str) -> int:
            number = int(value.strip())
            if minimum is not None and number < minimum:
                raise ValueError(value)
            if maximum is not None and number > maximum:
                raise ValueError(value)
            return number

        if minimum is not None and maximum is not None:
            expected = f"an integer from {minimum} to {maximum}"
        elif maximum is not None:
            expected = f"an integer of at most {maximum}"
        elif minimum is not None:
            expected = f"an integer of at least {minimum}"
        else:
            expected = "an integer"
        return self._parse(name, default, parse, expected)

    def strings(self, name: str, default: list[str] | None = None) -> list[str]:
        """A comma-separated list; never quoted back in an error (ENCRYPTION_KEYS is one)."""

        def parse(value: str) -> list[str]:
            return [item.strip() for item in value.split(",") if item.strip()]

        return self._parse(name, list(default or []), parse, "a comma-separated list", echo=False)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            if value not in choices:
                raise ValueError(value)
            return value

        return self._parse(name, default, parse, "one of " + ", ".join(choices))

    def url(self, name: str, default: str, schemes: tuple[str, ...]) -> str:
        """A URL with one of ``schemes``. Errors never quote it: URLs carry passwords
        (``postgres://user:password@host/db``)."""

        def parse(value: str) -> str:
            scheme, sep, rest = value.partition("://")
            if not sep or scheme not in schemes or not rest:
                raise ValueError(name)
            return value

        return self._parse(
            name,
            default,
            parse,
            "a URL starting with " + " or ".join(s + "://" for s in schemes),
            echo=False,
        )


def estimated_entropy_bits(value: str) -> float:
    """A conservative estimate, in bits, of how hard ``value`` is to guess.

    The smaller of two estimates: the string's length times the Shannon entropy of its own
    character frequencies (``"a" * 50`` scores 0), and eight bits per byte of its
    zlib-compressed form (a repeated pattern such as ``"abc" * 20`` compresses to a few
    bytes), both taken over the shortest unit the string repeats. Neither proves
    randomness; together they refuse the keys people type by hand.
    Source of the idea: NIST SP 800-63B's advice to reject repetitive or sequential secrets.
    """
    if not value:
        return 0.0
    # A repeated unit ("0123456789" * 4) is as hard to guess as the unit alone.
    for period in range(1, len(value) // 2 + 1):
        if value == (value[:period] * (len(value) // period + 1))[: len(value)]:
            value = value[:period]
            break
    counts = Counter(value)
    length = len(value)
    shannon = -sum(n / length * math.log2(n / length) for n in counts.values()) * length
    # zlib adds about 8 bytes of header and checksum whatever the input; don't count them.
    compressed = max(len(zlib.compress(value.encode("utf-8"), 9)) - 8, 0) * 8
    return min(shannon, float(compressed))


def decode_32_byte_key(encoded: str) -> bytes:
    """The raw 32 bytes of a key given in url-safe base64 (``ENCRYPTION_KEYS``,
    ``AUDIT_HMAC_KEYS``); ValueError if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:  # binascii.Error is a ValueError
        raise ValueError("not url-safe base64") from exc
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return raw


def check_32_byte_keys(name: str, keys: list[str], *, make_with: str, min_distinct_bytes: int) -> None:
    """Refuses (ImproperlyConfigured naming ``name`` and the key's position, never its value)
    an empty list, a key that is not 32 bytes in url-safe base64, and a key with fewer than
    ``min_distinct_bytes`` distinct bytes (a key made by hand; pass 0 to allow any).
    ``make_with`` is the manage.py command that makes a good key."""
    if not keys:
        raise ImproperlyConfigured(f"{name}: at least one key is required.")
    for position, key in enumerate(keys, start=1):
        try:
            raw = decode_32_byte_key(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not 32 bytes in url-safe base64 "
                f"(make one with: python manage.py {make_with})."
            ) from exc
        if len(set(raw)) < min_distinct_bytes:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not random (too few distinct bytes); "
                f"make one with: python manage.py {make_with}."
            )


def zxcvbn_guesses_log10(value: str) -> float:
    """zxcvbn's estimate of how many guesses ``value`` takes, as a base-10 logarithm.

    zxcvbn (Dropbox's estimator, "zxcvbn: Low-Budget Password Strength Estimation", USENIX
    Security 2016) finds keyboard runs, dictionary words, dates and sequences. It looks at
    the first 100 characters only (its own limit); a longer random key scores at least as well.
    """
    from zxcvbn import zxcvbn

    return float(zxcvbn(value[:100])["guesses_log10"])


def exit_on_configuration_error(exc: ImproperlyConfigured) -> NoReturn:
    """Prints ``Configuration error: <message>`` as one line on stderr and exits with status 2.

    Used by manage.py and the ASGI entry point, so a bad variable reads as one line naming
    it, not a traceback (whose frames could also show the value being parsed).
    """
    message = " ".join(str(exc).split())
    sys.stderr.write(f"Configuration error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(2)


def load_settings_or_exit() -> None:
    """Imports the settings now; a configuration error ends the process with one line."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first access imports the settings module
    except ImproperlyConfigured as exc:
        exit_on_configuration_error(exc)
