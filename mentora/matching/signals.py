"""Keep profile embeddings fresh: a profile save queues its text's embedding after commit."""

from __future__ import annotations

from typing import Any

from mentora.profiles.models import Profile


def queue_profile_embedding(sender: type[Profile], instance: Profile, **kwargs: Any) -> None:
    text = " ".join(part for part in (instance.goals, instance.headline) if part).strip()
    if not text:
        return
    from mentora.core.outbox import enqueue_on_commit
    from mentora.matching.tasks import embed_profile_text

    enqueue_on_commit(embed_profile_text, label="Profile text embedding", text=text)
