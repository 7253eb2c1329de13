from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "digibank.core"

    def ready(self) -> None:
        from .schedule import register_hourly
        from .sqlite import restrict_sqlite_files
        from .tasks import send_held_messages_task

        register_hourly(send_held_messages_task)

        connection_created.connect(restrict_sqlite_files, dispatch_uid="core.sqlite_owner_only")
