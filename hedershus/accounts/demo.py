"""Known demo sign-ins. Only for the demo: `demo_setup` refuses to run with DEBUG off."""

from hedershus.accounts.roles import Role

# A valid base32 secret shared by the demo accounts, so `demo_totp` can print a code.
DEMO_TOTP_SECRET = "HEDERSHUSDEMOTOTPSECRETA"
DEMO_PASSWORDS = {role.value: f"demo-{role.value}-Hedershus" for role in Role}


def demo_email(role: str) -> str:
    return f"{role}@demo.hedershus.invalid"
