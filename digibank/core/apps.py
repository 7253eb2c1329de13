from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "digibank.core"

    def ready(self) -> None:
        from .sqlite import restrict_sqlite_files

        connection_created.connect(restrict_sqlite_files, dispatch_uid="core.sqlite_owner_only")
