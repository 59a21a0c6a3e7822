"""Swedish personal identity numbers: moved to ``hedershus.core.identity_numbers`` (issue 13,
item 5) so that accounts, below cases in the layers, can check the number an administrator
records for e-ID sign-in. Re-exported here so the case apps' imports keep working."""

from __future__ import annotations

from hedershus.core.identity_numbers import (
    identity_number_found,
    identity_number_mask,
    identity_number_normalise,
    identity_plain,
    luhn_valid,
)

__all__ = [
    "identity_number_found",
    "identity_number_mask",
    "identity_number_normalise",
    "identity_plain",
    "luhn_valid",
]
