"""Profile-text embeddings: computed when a profile changes, cached in the database, read at match time."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction

from mentora.matching.engine import TextEmbedder, default_embedder
from mentora.matching.models import TextEmbedding


@lru_cache(maxsize=1)
def embedder() -> TextEmbedder:
    """The local model (MiniLM ONNX), or TF-IDF when it is not installed; loaded once per process."""
    return default_embedder(threads=1)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cached_vectors(texts: Iterable[str]) -> dict[str, np.ndarray[Any, np.dtype[np.float32]]]:
    """Vectors for the given texts by digest; missing ones are embedded and stored."""
    model = embedder()
    wanted = {digest(text): text for text in texts if text}
    found = {
        row.digest: np.frombuffer(bytes(row.vector), dtype=np.float32)
        for row in TextEmbedding.objects.filter(model_id=model.model_id, digest__in=list(wanted))
    }
    missing = [d for d in sorted(wanted) if d not in found]
    if missing:
        vectors = model.embed([wanted[d] for d in missing])
        for d, vector in zip(missing, vectors, strict=True):
            found[d] = np.asarray(vector, dtype=np.float32)
            try:
                with transaction.atomic():
                    TextEmbedding.objects.create(model_id=model.model_id, digest=d, vector=found[d].tobytes())
            except IntegrityError:
                pass  # another worker stored it first
    return found


def text_vectors_for_instance(instance: dict[str, Any]) -> dict[str, list[float]]:
    """Person id → vector for everyone in an engine instance who wrote something."""
    people = [p for group in ("mentees", "mentors", "people") for p in instance.get(group, [])]
    vectors = cached_vectors(p["profile"].get("text", "") for p in people)
    result: dict[str, list[float]] = {}
    for person in people:
        text = person["profile"].get("text", "")
        if text:
            result[person["id"]] = [float(v) for v in vectors[digest(text)]]
    return result
