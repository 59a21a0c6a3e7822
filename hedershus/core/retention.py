"""Retention (R22): the registry of what every app keeps and how long, and the daily jobs.

Two registries, both filled from the apps' ``AppConfig.ready`` (``core`` imports no app):

- **Jobs** (:func:`register_retention_job`): functions that delete what has expired. One daily
  command, ``manage.py retention_run`` (``hedershus.messaging.retention.retention_run``), runs
  them all in the order they were registered and audits their counts in one content-free
  event.
- **Declarations** (:func:`declare_retention`): one :class:`RetentionDeclaration` per record
  type (model), saying whether it holds personal data, its rule in words with the period
  read from settings, the settings that set it, and how it leaves: a named job culls it, it
  goes with its parent record by cascade, or it is kept on purpose (and why). A job's
  declaration carries ``due(now)``, the number of records the next run would cull, counted
  with the same "expired" query the job deletes with, so the overview page
  (``/staff/oversight/retention/``) cannot drift from the job.

``hedershus/core/tests/test_retention_registry.py`` fails for a model of any installed app
that no declaration covers (:func:`undeclared_models`). The platform's own apps declare every
model one by one; a third-party app may be declared as a whole (``"taggit.*"``) only for
models that hold no personal data and point at no user.

The run's time of day is ``RETENTION_RUN_TIME`` (the systemd timer of docs/operations.md
starts it then); the platform does not schedule itself, :func:`next_run` only computes when
that timer fires next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

# --- Jobs -------------------------------------------------------------------------------------


class RetentionJob(Protocol):
    """A job deletes what has expired at ``now`` in transactions of at most ``batch_size``
    rows and returns what it did as counts (name → int): never what it deleted.

    ``progress``, when given, is updated in place as each batch commits (the same names and
    numbers the job returns), so a run that fails part-way can still audit what it deleted.
    """

    def __call__(
        self, now: dt.datetime, batch_size: int, *, progress: dict[str, int] | None = None
    ) -> dict[str, int]: ...


_jobs: dict[str, RetentionJob] = {}


def register_retention_job(name: str, job: RetentionJob) -> None:
    """Adds ``job`` under ``name`` (registering a name again replaces it, keeping its place:
    AppConfig.ready may run twice in tests)."""
    _jobs[name] = job


def retention_jobs() -> list[tuple[str, RetentionJob]]:
    """The registered jobs, in the order they were first registered."""
    return list(_jobs.items())


def add_progress(progress: dict[str, int] | None, name: str, done: int) -> None:
    """Adds ``done`` to ``progress[name]`` (a job's running count; no-op without a dict)."""
    if progress is not None:
        progress[name] = progress.get(name, 0) + done


def in_batches(
    select: Callable[[], QuerySet[Any]],
    act: Callable[[list[Any]], None],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """A retention job's deletion loop: runs ``act(pks)`` on up to ``batch_size`` primary keys
    from ``select()`` at a time, each batch in its own transaction with its rows locked
    (skipping rows another run holds), until ``select()`` finds no more; ``on_batch(n)`` after
    each batch commits. Returns how many rows were acted on."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                select().select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return done
            act(batch)
        done += len(batch)
        if on_batch is not None:
            on_batch(len(batch))


# --- Declarations -------------------------------------------------------------------------------


class Disposal(StrEnum):
    """How records of a type leave the database."""

    JOB = "job"  # a registered retention job deletes them when they expire
    CASCADE = "cascade"  # they go with their parent record (database cascade or the parent's job)
    KEPT = "kept"  # kept on purpose; the declaration says why and for how long


# The rule in words, in the active language, with the period read from settings now.
RuleText = Callable[[], str]
# The number of records the next run would cull at ``now`` (a COUNT, never loading rows).
DueCount = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class RetentionDeclaration:
    """What one record type keeps and how long (R22).

    - ``model``: ``"app_label.ModelName"`` (``Model._meta.label``); ``"app_label.*"`` covers
      the models of a third-party app not declared one by one, and only those holding no
      personal data and pointing at no user (:func:`undeclared_models` enforces it).
    - ``personal_data``: whether a record can say something about a person (a visitor, a
      client, a partner professional or a member of staff).
    - ``rule``: a callable returning the rule as a translated sentence with the current
      period, e.g. "5 years after the case's last entry" (:func:`after`); required with
      ``job``; optional with ``parent`` (the page says "with its <parent>").
    - ``settings``: the names of the settings that set the period (checked to exist).
    - exactly one of ``job`` (the name of a registered job that culls it), ``parent`` (the
      record type it goes with, ``"app_label.ModelName"``) or ``kept_because`` (why it is
      kept on purpose, a translatable text).
    - ``due``: with ``job`` only, the count of records the next run would cull; it must use
      the job's own "expired" query and count what the run deletes *as this record type*
      (not what goes with a parent another job deletes first). It is called with the next
      run's time.
    - ``also_due``: with ``job`` only, other changes the next run makes to records of this
      type, as ``(label, count)`` pairs, e.g. conversations it closes as idle.

    Raises ``ValueError`` when not exactly one way of leaving is given, when ``job`` comes
    without ``rule`` or ``due`` without ``job``, or when an app-wide declaration claims personal data.
    """

    model: str
    personal_data: bool
    rule: RuleText | None = None
    settings: tuple[str, ...] = ()
    job: str = ""
    parent: str = ""
    kept_because: str | Promise = ""
    due: DueCount | None = None
    also_due: tuple[tuple[str | Promise, DueCount], ...] = ()

    def __post_init__(self) -> None:
        ways = [bool(self.job), bool(self.parent), bool(self.kept_because)]
        if sum(ways) != 1:
            raise ValueError(f"{self.model}: give exactly one of job, parent or kept_because.")
        if self.job and self.rule is None:
            raise ValueError(f"{self.model}: a job's declaration says its rule in words.")
        if (self.due is not None or self.also_due) and not self.job:
            raise ValueError(f"{self.model}: due counts what a job would cull; it needs job.")
        if "." not in self.model:
            raise ValueError(f"{self.model}: expected 'app_label.ModelName' or 'app_label.*'.")
        if self.app_wide and self.personal_data:
            raise ValueError(f"{self.model}: an app-wide declaration is for models without personal data.")

    @property
    def app_label(self) -> str:
        return self.model.split(".", 1)[0]

    @property
    def app_wide(self) -> bool:
        """Whether this declaration covers the rest of an app (``"app_label.*"``)."""
        return self.model.endswith(".*")

    @property
    def disposal(self) -> Disposal:
        if self.job:
            return Disposal.JOB
        if self.parent:
            return Disposal.CASCADE
        return Disposal.KEPT


_declarations: dict[str, RetentionDeclaration] = {}


def declare_retention(*declarations: RetentionDeclaration) -> None:
    """Registers ``declarations`` (a model declared again is replaced: AppConfig.ready may run
    twice in tests). Called from the declaring app's ``AppConfig.ready``."""
    for declaration in declarations:
        _declarations[declaration.model] = declaration


def retention_declarations() -> list[RetentionDeclaration]:
    """Every declaration, in the order first declared."""
    return list(_declarations.values())


def declaration_for(model: type[models.Model]) -> RetentionDeclaration | None:
    """The declaration covering ``model``, or None (see :func:`undeclared_models` for the
    rules: its own label; for an automatic many-to-many table, its owner's; for a proxy, its
    concrete model's; an app-wide one only where it may cover the model)."""
    meta = model._meta
    if meta.proxy:
        concrete = meta.concrete_model
        return declaration_for(concrete) if concrete is not None and concrete is not model else None
    if meta.auto_created and isinstance(meta.auto_created, type):
        # The table of a many-to-many field: a row links two records and goes with either.
        return declaration_for(meta.auto_created)
    own = _declarations.get(meta.label)
    if own is not None:
        return own
    app_wide = _declarations.get(f"{meta.app_label}.*")
    if app_wide is not None and may_be_declared_app_wide(model):
        return app_wide
    return None


def _platform_model(model: type[models.Model]) -> bool:
    """Whether ``model`` belongs to one of the platform's own apps (``hedershus.*``)."""
    return model.__module__.startswith("hedershus.")


def points_at_a_user(model: type[models.Model]) -> bool:
    """Whether ``model``'s own table has a foreign key, one-to-one or many-to-many field to the
    user model (``AUTH_USER_MODEL``): its records name a member of staff, so they are personal
    data."""
    user_label = settings.AUTH_USER_MODEL.lower()
    # Its own table's fields only: a page type's owner lives in the parent page's table.
    for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
        related = getattr(field, "related_model", None)
        if (
            field.is_relation
            and isinstance(related, type)
            and issubclass(related, models.Model)
            and related._meta.label_lower == user_label
        ):
            return True
    return False


def may_be_declared_app_wide(model: type[models.Model]) -> bool:
    """Whether an ``"app_label.*"`` declaration may cover ``model``: a third-party model that
    points at no user. The platform's own models are declared one by one."""
    return not _platform_model(model) and not points_at_a_user(model)


def models_to_declare(candidates: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The models among ``candidates`` that hold records of their own: concrete, not a proxy
    (it shares its concrete model's table), managed or not (an unmanaged table, such as a
    full-text index, still holds data). Automatic many-to-many tables are kept: they are
    covered by the model that owns the field."""
    return [model for model in candidates if not model._meta.abstract and not model._meta.proxy]


def undeclared_models(candidates: Iterable[type[models.Model]]) -> list[str]:
    """Labels (``"app_label.ModelName"``) of the models among ``candidates`` that no
    declaration covers, sorted; ``[]`` when every one is declared. The source of the rule is
    R22 (retention) and issue 13: every record type has a declared retention."""
    return sorted(
        model._meta.label for model in models_to_declare(candidates) if declaration_for(model) is None
    )


# --- When the next run is --------------------------------------------------------------------


def parse_run_time(value: str) -> dt.time:
    """``"HH:MM"`` (24-hour, two digits each) as a time; raises ``ValueError`` otherwise
    (the settings module turns it into ImproperlyConfigured at start-up)."""
    if len(value) != 5 or value[2] != ":" or not (value[:2] + value[3:]).isdigit():
        raise ValueError(value)
    return dt.time(int(value[:2]), int(value[3:]))


def next_run(now: dt.datetime, run_time: str | None = None) -> dt.datetime:
    """The next time the daily timer starts ``manage.py retention_run`` after ``now`` (aware):
    today or tomorrow at ``RETENTION_RUN_TIME`` (``run_time``), in the server's time zone
    (``TIME_ZONE``). The platform does not schedule itself: this is when the timer of
    docs/operations.md, set to the same time, fires."""
    at = parse_run_time(run_time or settings.RETENTION_RUN_TIME)
    local = timezone.localtime(now)
    candidate = timezone.make_aware(dt.datetime.combine(local.date(), at))
    if candidate <= local:
        candidate = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), at))
    return candidate


# --- Rules in words -----------------------------------------------------------------------------


class PeriodUnit(StrEnum):
    """The unit of a retention setting."""

    MINUTES = "minutes"
    DAYS = "days"
    YEARS = "years"


def period_text(amount: int, unit: PeriodUnit) -> str:
    """``amount`` of ``unit`` in words, in the active language ("5 years", "1 day")."""
    if unit == PeriodUnit.YEARS:
        return ngettext("%(n)s year", "%(n)s years", amount) % {"n": amount}
    if unit == PeriodUnit.DAYS:
        return ngettext("%(n)s day", "%(n)s days", amount) % {"n": amount}
    return ngettext("%(n)s minute", "%(n)s minutes", amount) % {"n": amount}


def after(setting: str, unit: PeriodUnit, since: str | Promise) -> RuleText:
    """A rule "<the setting's period> after <since>", e.g. ``after("CASE_RETENTION_YEARS",
    PeriodUnit.YEARS, _("the case's last entry"))`` → "5 years after the case's last entry".
    The period is read from settings each time the rule is shown."""

    def rule() -> str:
        period = period_text(int(getattr(settings, setting)), unit)
        return gettext("%(period)s after %(since)s") % {"period": period, "since": since}

    return rule


def text(message: str | Promise) -> RuleText:
    """A rule given as a fixed (translatable) sentence, with no period from settings."""
    return lambda: str(message)
