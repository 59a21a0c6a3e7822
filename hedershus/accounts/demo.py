"""Known demo sign-ins. Only for the demo: `demo_setup` refuses to run with DEBUG off, and
with DEBUG off the platform refuses to start while any of them exists (accounts/demo_checks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from hedershus.core.access import Role

# Every demo account, and nothing else, has an address under this domain (.invalid never resolves).
DEMO_EMAIL_DOMAIN = "demo.hedershus.invalid"

# A valid base32 secret shared by the demo accounts, so `demo_totp` can print a code.
DEMO_TOTP_SECRET = "HEDERSHUSDEMOTOTPSECRETA"  # noqa: S105 - demo only, refused with DEBUG off


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    password: str
    last_name: str


def _account(name: str, role: Role, last_name: str) -> DemoAccount:
    return DemoAccount(f"{name}@{DEMO_EMAIL_DOMAIN}", role.value, f"demo-{name}-Hedershus", last_name)


# One per role, and a second editor: a page goes live only when another editor approves it.
DEMO_ACCOUNTS = [_account(role.value, role, str(role.label)) for role in Role] + [
    _account("editor2", Role.EDITOR, "Editor (reviewer)")
]
