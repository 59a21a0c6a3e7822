"""A system check: every shipped instrument file follows the schema, so a broken file stops
``manage.py check`` and start-up instead of failing when a counsellor opens the form."""

from __future__ import annotations

from typing import Any

from django.core import checks

from hedershus.assessments.engine import DefinitionError, shipped_definitions


@checks.register()
def instruments_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        shipped_definitions()
    except DefinitionError as error:
        return [checks.Error(problem, id="assessments.E001") for problem in error.problems]
    return []
