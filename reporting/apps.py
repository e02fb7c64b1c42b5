from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Báo cáo"

    def ready(self):
        from reporting import cache

        cache.connect()  # the signals that keep cached progress figures current
