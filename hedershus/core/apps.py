from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hedershus.core"
    label = "core"

    def ready(self) -> None:
        from hedershus.core import checks  # noqa: F401  (registers the start-up checks)
