from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hedershus.core"
    label = "core"
