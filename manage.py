#!/usr/bin/env python
import os
import sys

# Commands that make the secrets the settings insist on: they run before the settings load,
# so that they work on a new machine that has no keys yet (docs/operations.md).
KEY_COMMANDS = {
    "generate_encryption_key": "hedershus.core.keys:new_encryption_key",
    "generate_secret_key": "hedershus.core.keys:new_secret_key",
    "generate_audit_key": "hedershus.audit.keys:new_key",
    "generate_room_pepper": "hedershus.rooms.keys:new_pepper",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
    if len(sys.argv) == 2 and sys.argv[1] in KEY_COMMANDS:
        from importlib import import_module

        module, _, function = KEY_COMMANDS[sys.argv[1]].partition(":")
        print(getattr(import_module(module), function)())
        return

    from hedershus.env import load_settings_or_exit

    # A configuration error is one line naming the variable, not a traceback.
    load_settings_or_exit()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
