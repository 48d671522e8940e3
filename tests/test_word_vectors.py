"""The word vectors of the stance polarity network: read from the synonyms 3.8.0 sdist, shipped as int8."""
import json
import struct
import sys

import numpy as np

from conftest import ROOT

sys.path.insert(0, str(ROOT / "corpus" / "scripts"))
import build_word_vectors as builder  # noqa: E402  (a script, found on the path just added)


def test_word2vec_binary_format_is_read_word_by_word():
    rows = {"支持": [3.0, 4.0], "反对": [-1.0, 0.0]}
    data = b"2 2\n" + b"".join(w.encode("utf-8") + b" " + struct.pack("<2f", *v) + b"\n" for w, v in rows.items())
    words, vectors = builder.read_word2vec(data)
    assert words == ["支持", "反对"] and vectors.tolist() == list(rows.values())
    # unit length, then × 127 as int8: (3, 4) → (0.6, 0.8) → (76, 102)
    assert builder.quantized(vectors).tolist() == [[76, 102], [-127, 0]]


def test_the_shipped_vectors_are_the_built_ones():
    built = ROOT / "build" / "corpus" / "word-vectors"          # `make test` builds them first
    shipped = ROOT / "models" / "stance-polarity"
    vectors = np.load(built / "vectors.npy")
    assert vectors.shape == builder.EXPECTED_SHAPE and vectors.dtype == np.int8
    if json.loads((shipped / "meta.json").read_text(encoding="utf-8"))["mode"] != "ensemble":
        assert not (shipped / "vectors.npy").exists()     # only the ensemble reads them
        return
    assert np.array_equal(vectors, np.load(shipped / "vectors.npy"))
    assert (built / "words.txt").read_bytes() == (shipped / "words.txt").read_bytes()
    # unit vectors: each row's length is 127 within rounding
    assert np.allclose(np.linalg.norm(vectors.astype(np.float32), axis=1), 127, atol=6)
