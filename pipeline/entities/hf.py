"""Any local Hugging Face token-classification checkpoint as the entity tagger (`--ner hf:PATH`).

Users who have a Chinese NER model (a fine-tuned BERT, say) get its entities in the same records.
Labels are read from the checkpoint's `id2label` (B-/I-/E-/S-/M- prefixes or none; PER/PERSON,
LOC/GPE/LOCATION, ORG/ORGANIZATION), and token predictions go back to characters through the fast
tokenizer's offsets. Needs the `train` extra (torch, transformers); nothing is fetched from a hub.
"""
from __future__ import annotations

from pathlib import Path

from .lac import TaggedSpan

LABEL_NAMES = {"PER": "PER", "PERSON": "PER", "NR": "PER", "LOC": "LOC", "GPE": "LOC", "LOCATION": "LOC",
               "NS": "LOC", "ORG": "ORG", "ORGANIZATION": "ORG", "NT": "ORG"}


def split_label(label: str) -> tuple[str, str | None]:
    """"B-PER" → ("B", "PER"); "I-ORG" → ("I", "ORG"); "O" → ("O", None); "PER" → ("B", "PER")."""
    prefix, _, name = label.partition("-") if "-" in label else ("B", "", label)
    name = LABEL_NAMES.get(name.upper())
    return ("O", None) if name is None else (prefix.upper(), name)


class HfTagger:
    def __init__(self, path: str, threads: int = 1, batch_size: int = 16):
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        torch.set_num_threads(threads)
        self.path = Path(path)
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        if not self.tokenizer.is_fast:
            raise ValueError(f"{path}: a fast tokenizer is needed (its character offsets map tags back to text)")
        self.model = AutoModelForTokenClassification.from_pretrained(self.path, local_files_only=True).eval()
        self.labels = [split_label(self.model.config.id2label[i]) for i in range(self.model.config.num_labels)]
        self.version = f"hf:{self.path.name}"
        self.batch_size = batch_size
        self.max_length = min(getattr(self.tokenizer, "model_max_length", 512), 512)

    def tag(self, texts: list[str], keep: set[str] | None = None) -> list[list[TaggedSpan]]:
        import torch

        results: list[list[TaggedSpan]] = []
        for k in range(0, len(texts), self.batch_size):
            batch = texts[k:k + self.batch_size]
            enc = self.tokenizer(batch, return_offsets_mapping=True, truncation=True, max_length=self.max_length,
                                 padding=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping")
            with torch.no_grad():
                probs = self.model(**enc).logits.softmax(-1)
            best = probs.argmax(-1)
            for row, text in enumerate(batch):
                results.append(self._spans(text, offsets[row].tolist(), best[row].tolist(),
                                           probs[row].max(-1).values.tolist(), keep))
        return results

    def _spans(self, text, offsets, best, confidence, keep) -> list[TaggedSpan]:
        spans: list[TaggedSpan] = []
        current = None  # [start, end, label, min confidence]
        for (a, b), tag, conf in zip(offsets, best, confidence):
            if a == b:          # special or padding token
                continue
            prefix, label = self.labels[tag]
            continues = current is not None and label == current[2] and prefix in ("I", "M", "E") and a <= current[1] + 1
            if current is not None and not continues:
                spans.append(TaggedSpan(current[0], current[1], current[2], current[3]))
                current = None
            if label is None:
                continue
            if current is None:
                current = [a, b, label, conf]
            else:
                current[1], current[3] = b, min(current[3], conf)
            if prefix in ("E", "S"):
                spans.append(TaggedSpan(*current))
                current = None
        if current is not None:
            spans.append(TaggedSpan(*current))
        return [s for s in spans if keep is None or s.tag in keep]
