"""/healthz (the process answers) and /readyz (it can do its work: database, broker, object storage, and a
worker seen recently), for load balancers and orchestrators. The checks are django-health-check's where it
has one; the broker and worker checks are ours, written against django-q2 (either of its brokers)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@dataclasses.dataclass
class Broker(HealthCheck):
    """The django-q2 broker this deployment uses answers (Redis PING; the ORM broker is the database)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        from django_q.brokers import get_broker
        from redis.exceptions import RedisError

        try:
            if not get_broker().ping():
                raise ServiceUnavailable("the broker did not answer")
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(f"the broker did not answer: {type(exc).__name__}") from exc


@dataclasses.dataclass
class Workers(HealthCheck):
    """A worker is alive. On Redis, django-q2's own cluster heartbeat (each running `qcluster` refreshes a
    key that expires seconds after it stops); on the ORM broker, whose heartbeat stays in a per-process
    cache, a task finished within SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S (the jobs sweep runs every minute).
    0 turns the check off."""

    def run(self) -> None:
        from django_q.brokers import get_broker
        from django_q.models import Task
        from django_q.status import Stat

        max_age = settings.SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S
        if max_age <= 0:
            return
        if settings.REDIS_URL:
            if not Stat.get_all(get_broker()):
                raise ServiceUnavailable("no worker cluster is running (`manage.py qcluster`)")
            return
        try:
            last = Task.objects.order_by("-stopped").values_list("stopped", flat=True).first()
        except DatabaseError as exc:
            raise ServiceUnavailable("cannot read django-q2's task rows (database down or not migrated)") from exc
        if last is None:
            raise ServiceUnavailable("no worker has run a task yet (is `manage.py qcluster` running?)")
        age = (timezone.now() - last).total_seconds()
        if age > max_age:
            raise ServiceUnavailable(f"no task finished for {age:.0f}s (the jobs sweep runs every minute)")


# name in the answer -> check
READY_CHECKS: dict[str, type[HealthCheck]] = {"database": Database, "broker": Broker, "storage": Storage,
                                              "workers": Workers}


class ReadyView(HealthCheckView):
    """200 when every part works, else 503; the JSON names each part and what failed."""

    checks = tuple(READY_CHECKS.values())

    def render_to_response(self, context: Any, **kwargs: Any) -> HttpResponse:  # every Accept gets JSON
        return self.render_to_response_json(200)

    def render_to_response_text(self, status: int) -> HttpResponse:
        return self.render_to_response_json(status)

    def render_to_response_json(self, status: int) -> HttpResponse:
        parts = {name: ("ok" if result.error is None else str(result.error))
                 for name, result in zip(READY_CHECKS, self.results, strict=True)}
        failing = [name for name, result in zip(READY_CHECKS, self.results, strict=True) if result.error]
        return JsonResponse({"status": "unavailable" if failing else "ok", "failing": failing, "checks": parts},
                            status=503 if failing else 200)


readyz = ReadyView.as_view()
