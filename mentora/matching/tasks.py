"""Background matching: the engine runs off the request, the page polls the run's progress."""

from __future__ import annotations

from django_tasks import task

from mentora.matching.models import MatchRun, MatchRunStatus


@task()
def execute_match_run(*, run_id: int) -> None:
    """Solve a queued run; a run already finished (a retried task) is left as it is."""
    from mentora.matching.services import solve_run

    run = MatchRun.objects.select_related("program").filter(pk=run_id, status=MatchRunStatus.QUEUED).first()
    if run is None:
        return
    solve_run(run)


@task()
def embed_profile_text(*, text: str) -> None:
    """Compute and cache the embedding of one profile text (a no-op when cached)."""
    from mentora.matching.embeddings import cached_vectors

    cached_vectors([text])
