"""`manage.py rqworker` runs Mentora's RQ worker class, which retries a dead scheduler every 30 s.

bench/faults.py found it: after Redis was down (F3) the restarted worker could not take the scheduler's
lock, which the dead scheduler still held, and RQ asks again only at its 10-minute maintenance: the
outbox's mail retries (F5) waited in the scheduled registry for minutes after they fell due.
"""

from __future__ import annotations

import pytest
import redis
from django_rq.workers import get_worker_class
from rq import Queue

from mentora.core.rq_worker import MAINTENANCE_SECONDS, Worker
from tests.test_services import redis_url  # noqa: F401  (fixture)


@pytest.mark.services
def test_the_worker_runs_maintenance_often_enough_to_restart_its_scheduler_within_a_minute(redis_url):  # noqa: F811
    connection = redis.Redis.from_url(redis_url)
    worker = Worker([Queue("default", connection=connection)], connection=connection)
    # The scheduler's lock lives interval + 60 = 61 s: two passes at most after a stale one expires.
    assert worker.maintenance_interval == MAINTENANCE_SECONDS <= 30


@pytest.mark.services
def test_an_explicit_interval_still_wins(redis_url):  # noqa: F811
    connection = redis.Redis.from_url(redis_url)
    assert Worker([Queue("default", connection=connection)], connection=connection,
                  maintenance_interval=300).maintenance_interval == 300


def test_production_settings_make_django_rq_use_it(settings):
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job", "WORKER_CLASS": "mentora.core.rq_worker.Worker"}
    assert get_worker_class() is Worker

