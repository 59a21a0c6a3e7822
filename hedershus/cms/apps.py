from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "hedershus.cms"
    label = "cms"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"
    # What visitors see, translated into every configured language
    # (hedershus/portal/public_strings.py); the admin's templates and strings stay sv/en.
    public_translation_sources = (
        "templates/cms/*.html",
        "templates/cms/includes/*.html",
        "forms.py",
        "views.py",
        "selectors.py",
        "languages.py",
        "templatetags/*.py",
    )
    public_translation_choices = (
        "hedershus.cms.choices.Audience",
        "hedershus.cms.choices.Topic",
        "hedershus.cms.choices.PageType",
    )

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.cms import signals
        from hedershus.cms.events import CMS_EVENT_TYPES

        register_event_types(CMS_EVENT_TYPES)
        signals.connect()
        # After every migrate: the editor groups, their permissions, the review workflow and
        # the configured locales exist, whatever state the database was in.
        post_migrate.connect(signals.on_post_migrate, sender=self, dispatch_uid="hedershus.cms.post_migrate")
        # SQLite's full-text table keeps å, ä and ö apart (hedershus/cms/search_backend.py),
        # and the visitor's search finds each hit's page through a narrow index (ibid.).
        from hedershus.cms.search_backend import entry_lookup_index_ensure, fts_tokenizer_ensure

        post_migrate.connect(fts_tokenizer_ensure, sender=self, dispatch_uid="hedershus.cms.fts_tokenizer")
        post_migrate.connect(
            entry_lookup_index_ensure, sender=self, dispatch_uid="hedershus.cms.entry_lookup_index"
        )

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.cms.retention_declarations import register as register_retention

        register_retention()
