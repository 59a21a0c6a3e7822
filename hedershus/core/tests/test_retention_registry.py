"""The retention registry (R22, issue 13 item 4): every record type of every installed app has
a declared retention, and every declaration is true to the code it names."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone
from django.utils.translation import override
from django_tasks_db.models import DBTaskResult

from hedershus.accounts.models import User
from hedershus.core import retention
from hedershus.core.retention import (
    Disposal,
    RetentionDeclaration,
    declaration_for,
    next_run,
    parse_run_time,
    points_at_a_user,
    retention_declarations,
    retention_jobs,
    undeclared_models,
)
from hedershus.core.retention_declarations import sessions_expired, sessions_job, task_results_job

ROOT = Path(__file__).resolve().parents[3]
WHERE = (
    "Declare each in its app's retention_declarations.py with "
    "hedershus.core.retention.declare_retention, called from the app's AppConfig.ready "
    "(see hedershus/rooms/retention_declarations.py and docs/operations.md, 'Retention')."
)


def _all_models() -> list[type[models.Model]]:
    """Every model of the installed apps, without the test models of a library (Wagtail's
    ``wagtail.test.testapp`` registers under ``wagtailcore`` once anything imports it, which a
    test on the same worker may do): they are not tables the platform has."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not any(part in {"test", "tests"} for part in model.__module__.split(".")[1:])
        or model.__module__.startswith("hedershus.")
    ]


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """Declarations made in the test are forgotten after it."""
    saved = dict(retention._declarations)
    try:
        yield
    finally:
        retention._declarations.clear()
        retention._declarations.update(saved)


def test_every_model_of_every_installed_app_declares_its_retention() -> None:
    undeclared = undeclared_models(_all_models())
    assert not undeclared, f"No retention declared for {', '.join(undeclared)}. {WHERE}"


def test_the_check_names_a_model_nobody_declared() -> None:
    # The control: the check above must find what it looks for when it is planted.
    with isolate_apps("hedershus.core"):

        class Undeclared(models.Model):  # noqa: DJ008
            note = models.TextField()

            class Meta:
                app_label = "core"

        planted = set(undeclared_models([*_all_models(), Undeclared]))
        assert planted - set(undeclared_models(_all_models())) == {"core.Undeclared"}


def test_a_platform_model_is_not_covered_by_an_app_wide_declaration(scratch_registry: None) -> None:
    retention.declare_retention(RetentionDeclaration(model="core.*", personal_data=False, kept_because="x"))
    with isolate_apps("hedershus.core"):

        class Settings(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "core"

        assert undeclared_models([Settings]) == ["core.Settings"]


def test_a_third_party_model_naming_a_user_is_not_covered_by_an_app_wide_declaration(
    scratch_registry: None,
) -> None:
    retention.declare_retention(RetentionDeclaration(model="core.*", personal_data=False, kept_because="x"))
    with isolate_apps("hedershus.core"):
        # As if from an installed library: its module is not the platform's.
        Quiet = type(
            "Quiet",
            (models.Model,),
            {"__module__": "somelibrary.models", "Meta": type("Meta", (), {"app_label": "core"})},
        )
        Naming = type(
            "Naming",
            (models.Model,),
            {
                "__module__": "somelibrary.models",
                "Meta": type("Meta", (), {"app_label": "core"}),
                "user": models.ForeignKey(User, on_delete=models.CASCADE, related_name="+"),
            },
        )
        assert undeclared_models([Quiet, Naming]) == ["core.Naming"]


def test_many_to_many_tables_go_with_the_model_that_owns_the_field() -> None:
    through = User.groups.through
    assert through._meta.auto_created is User
    assert declaration_for(through) is declaration_for(User)


def test_every_declaration_names_an_installed_model_or_app() -> None:
    labels = {model._meta.label for model in _all_models()}
    app_labels = {config.label for config in apps.get_app_configs()}
    for declaration in retention_declarations():
        if declaration.app_wide:
            assert declaration.app_label in app_labels, declaration.model
        else:
            assert declaration.model in labels, f"{declaration.model} is declared but is no installed model"
        if declaration.parent:
            assert declaration.parent in labels, (
                f"{declaration.model}: parent {declaration.parent} is no model"
            )


def test_every_job_named_is_registered_and_every_job_culls_something_declared() -> None:
    jobs = {name for name, _job in retention_jobs()}
    named = {declaration.job for declaration in retention_declarations() if declaration.job}
    assert named <= jobs, f"Declarations name jobs nobody registered: {named - jobs}"
    assert jobs <= named, f"Jobs no declaration names (what do they cull?): {jobs - named}"


def test_every_setting_named_exists() -> None:
    for declaration in retention_declarations():
        for name in declaration.settings:
            assert hasattr(settings, name), f"{declaration.model} names the missing setting {name}"


def test_a_model_that_points_at_a_user_is_declared_as_personal_data() -> None:
    wrong = [
        model._meta.label
        for model in _all_models()
        if not model._meta.auto_created
        and points_at_a_user(model)
        and (declaration := declaration_for(model)) is not None
        and not declaration.personal_data
    ]
    assert not wrong, f"These name a member of staff, so they hold personal data: {wrong}"


def test_the_personal_data_the_brief_names_has_a_declaration_of_its_own() -> None:
    for label in (
        "sessions.Session",
        "account.EmailAddress",
        "mfa.Authenticator",
        "accounts.User",
        "wagtailcore.Revision",
        "wagtailcore.PageLogEntry",
        "django_tasks_database.DBTaskResult",
    ):
        declaration = declaration_for(apps.get_model(label))
        assert declaration is not None and declaration.model == label and declaration.personal_data, label
    if apps.is_installed("allauth.socialaccount"):
        social = declaration_for(apps.get_model("socialaccount.SocialAccount"))
        assert social is not None and social.model == "socialaccount.SocialAccount"


@pytest.mark.django_db
def test_every_rule_reads_as_a_sentence_with_its_period_in_swedish_and_english() -> None:
    case = declaration_for(apps.get_model("cases.Case"))
    assert case is not None and case.rule is not None
    with override("en"):
        expected = "years after the case's last entry, once it is closed (an open case is kept)"
        assert case.rule() == f"{settings.CASE_RETENTION_YEARS} {expected}"
    with override("sv"):
        assert f"{settings.CASE_RETENTION_YEARS} år" in case.rule()
    for declaration in retention_declarations():
        if declaration.rule is not None:
            assert declaration.rule().strip()


@pytest.mark.django_db
def test_every_due_count_runs_as_a_count() -> None:
    now = timezone.now()
    for declaration in retention_declarations():
        if declaration.due is not None:
            assert declaration.due(now) == 0, declaration.model


def test_a_declaration_must_say_how_its_records_leave() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        RetentionDeclaration(model="x.Y", personal_data=True)
    with pytest.raises(ValueError, match="exactly one"):
        RetentionDeclaration(model="x.Y", personal_data=True, parent="x.Z", kept_because="why")
    with pytest.raises(ValueError, match="rule"):
        RetentionDeclaration(model="x.Y", personal_data=True, job="x")
    with pytest.raises(ValueError, match="needs job"):
        RetentionDeclaration(model="x.Y", personal_data=True, parent="x.Z", due=lambda now: 0)
    with pytest.raises(ValueError, match="app-wide"):
        RetentionDeclaration(model="x.*", personal_data=True, kept_because="why")
    assert RetentionDeclaration(model="x.Y", personal_data=False, parent="x.Z").disposal == Disposal.CASCADE


@pytest.mark.django_db
def test_expired_sessions_are_counted_and_deleted_by_the_sessions_job() -> None:
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - dt.timedelta(minutes=1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + dt.timedelta(minutes=29))
    declaration = declaration_for(Session)
    assert declaration is not None and declaration.due is not None
    assert declaration.due(now) == 1

    progress: dict[str, int] = {}
    assert sessions_job(now, 1, progress=progress) == {"sessions_deleted": 1}
    assert progress == {"sessions_deleted": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert declaration.due(now) == sessions_expired(now=now).count() == 0


@pytest.mark.django_db
def test_finished_task_results_go_after_their_days_and_waiting_ones_stay() -> None:
    now = timezone.now()
    old = now - dt.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS + 1)

    def result(**fields: Any) -> DBTaskResult:
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="hedershus.messaging.tasks.retention_task",
            backend_name="default",
            run_after=now,
            **fields,
        )

    result(status="SUCCESSFUL", finished_at=old)
    result(status="SUCCESSFUL", finished_at=now)
    result(status="READY")
    declaration = declaration_for(DBTaskResult)
    assert declaration is not None and declaration.due is not None
    assert declaration.due(now) == 1
    assert task_results_job(now, 10) == {"task_results_deleted": 1}
    assert DBTaskResult.objects.count() == 2


def test_the_next_run_is_today_or_tomorrow_at_the_run_time() -> None:
    zone = ZoneInfo(settings.TIME_ZONE)
    before = dt.datetime(2026, 3, 28, 2, 0, tzinfo=zone)
    assert next_run(before, "03:15") == dt.datetime(2026, 3, 28, 3, 15, tzinfo=zone)
    after = dt.datetime(2026, 3, 28, 3, 15, tzinfo=zone)
    assert next_run(after, "03:15") == dt.datetime(2026, 3, 29, 3, 15, tzinfo=zone)
    # Across the change to summer time (29 March 2026 in Stockholm) it stays 03:15 local.
    assert next_run(after, "03:15").utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize("value", ["3:15", "24:00", "03:60", "0315", "03:15:00", "", "ab:cd"])
def test_a_run_time_not_written_hh_mm_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_run_time(value)


def _settings_with(**environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import hedershus.settings as s; print(s.RETENTION_RUN_TIME)"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DEBUG": "true", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_up_refuses_a_bad_run_time_or_consultation_period() -> None:
    assert _settings_with(RETENTION_RUN_TIME="04:05").stdout.strip() == "04:05"
    refused = _settings_with(RETENTION_RUN_TIME="25:00")
    assert refused.returncode != 0 and "RETENTION_RUN_TIME" in refused.stderr
    refused = _settings_with(CONSULTATION_RETENTION_DAYS="0")
    assert refused.returncode != 0 and "CONSULTATION_RETENTION_DAYS" in refused.stderr
