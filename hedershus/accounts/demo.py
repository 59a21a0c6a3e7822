"""Known demo sign-ins. Only for the demo: `demo_setup` refuses to run with DEBUG off."""

from __future__ import annotations

from dataclasses import dataclass

from hedershus.accounts.roles import Role

# A valid base32 secret shared by the demo accounts, so `demo_totp` can print a code.
DEMO_TOTP_SECRET = "HEDERSHUSDEMOTOTPSECRETA"  # noqa: S105 - demo only, refused with DEBUG off


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    password: str
    last_name: str


def _account(name: str, role: Role, last_name: str) -> DemoAccount:
    return DemoAccount(f"{name}@demo.hedershus.invalid", role.value, f"demo-{name}-Hedershus", last_name)


# One per role, and a second editor: a page goes live only when another editor approves it.
DEMO_ACCOUNTS = [_account(role.value, role, str(role.label)) for role in Role] + [
    _account("editor2", Role.EDITOR, "Editor (reviewer)")
]
