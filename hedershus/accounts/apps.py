from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hedershus.accounts"
    label = "accounts"

    def ready(self) -> None:
        from hedershus.accounts import signals  # noqa: F401  (connects the receivers)
