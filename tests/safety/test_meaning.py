"""The texts nearest in meaning: what they say, and that a client's words stay in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tend.safety import meaning
from tend.safety.meaning import Neighbours

ROWS = [
    ("urgent", "I am going to end my life tonight"),
    ("urgent", "I have the pills ready and I am saying goodbye"),
    ("none", "I love cooking pasta on Sundays"),
    ("none", "We went to the beach with the kids and it was lovely"),
]


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TEND_CACHE_DIR", str(tmp_path))
    meaning.forget()
    yield tmp_path
    meaning.forget()  # the next test reads the usual cache file again


def test_a_text_leans_toward_the_labelled_texts_that_mean_the_same(own_cache: Path) -> None:
    near = Neighbours.of(ROWS)
    # Spanish, and not one word shared with the English rows.
    (danger, calm) = near.lean(["voy a acabar con mi vida esta noche", "hoy cociné espaguetis"])
    assert danger[1] > 0.6 > calm[1]
    assert danger[0] > calm[0]


def test_a_clients_words_are_never_written_to_the_cache(own_cache: Path) -> None:
    near = Neighbours.of(ROWS)
    words = "canary 7f3a: my own words, only in memory"
    near.lean([words])
    (kept,) = own_cache.glob("meaning-*.npz")
    with np.load(kept) as cache:
        keys = {row.tobytes() for row in cache["keys"]}
    assert hashlib.sha256(words.encode()).digest() not in keys
    assert {hashlib.sha256(text.encode()).digest() for _, text in ROWS} <= keys
    assert b"canary" not in kept.read_bytes()


def test_an_unwritable_cache_only_means_encoding_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TEND_CACHE_DIR", str(blocked))
    meaning.forget()
    try:
        assert Neighbours.of(ROWS).vectors.shape == (len(ROWS), 512)
    finally:
        meaning.forget()


def test_a_damaged_cache_file_is_set_aside(own_cache: Path) -> None:
    Neighbours.of(ROWS)
    (kept,) = own_cache.glob("meaning-*.npz")
    kept.write_bytes(b"half a file")
    meaning.forget()
    assert Neighbours.of(ROWS).vectors.shape == (len(ROWS), 512)
    with np.load(kept) as cache:  # encoded again and written whole
        assert len(cache["keys"]) == len(ROWS)


def test_what_is_kept_is_found_again_by_another_process(own_cache: Path) -> None:
    # A digest that ends in a zero byte once came back a byte short and was encoded anew.
    rows = [*ROWS, ("none", "We walked the dog by the river, lap 218")]
    assert hashlib.sha256(rows[-1][1].encode()).digest().endswith(b"\x00")
    first = Neighbours.of(rows).vectors
    (kept,) = own_cache.glob("meaning-*.npz")
    written = kept.stat().st_mtime_ns
    meaning.forget()
    assert np.array_equal(Neighbours.of(rows).vectors, first)
    assert kept.stat().st_mtime_ns == written  # nothing new to encode, nothing rewritten
