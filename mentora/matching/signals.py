"""Keep profile embeddings fresh: a profile save queues its text's embedding after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mentora.profiles.models import Profile


def queue_profile_embedding(sender: type[Profile], instance: Profile, **kwargs: Any) -> None:
    text = " ".join(part for part in (instance.goals, instance.headline) if part).strip()
    if not text:
        return
    from mentora.matching.tasks import embed_profile_text

    transaction.on_commit(lambda: embed_profile_text.enqueue(text=text))
