"""Whether the best passage really answers the question: a small logistic model fitted on calibration questions."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from qa.retrieve import Candidate
from qa.terms import TermWeights

MODEL_FILE = Path(__file__).with_name("refusal.json")
FEATURES = ("coverage", "dense", "both_top", "unknown_share")


def features(cands: list[Candidate], query_terms: tuple[str, ...], terms: TermWeights) -> dict[str, float]:
    """Evidence that the corpus holds an answer: term coverage, dense similarity, retriever agreement."""
    if not cands:
        return dict.fromkeys(FEATURES, 0.0) | {"unknown_share": 1.0}
    top = cands[0]
    unknown = terms.unknown(query_terms)
    weight = sum(terms.idf(t) for t in query_terms) or 1.0
    return {
        "coverage": max(c.coverage for c in cands[:3]),
        "dense": max(c.dense for c in cands[:3]),
        "both_top": float(0 < top.dense_rank <= 5 and 0 < top.keyword_rank <= 5),
        "unknown_share": sum(terms.idf(t) for t in unknown) / weight,
    }


@dataclass
class RefusalModel:
    """p(answerable) = sigmoid(bias + w·x); answer when p >= threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> RefusalModel:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(weights=data["weights"], bias=data["bias"], threshold=data.get("threshold", 0.5))
        # untrained default: answer when most of the question's weight is found and little is foreign
        return cls(weights={"coverage": 8.0, "dense": 0.0, "both_top": 0.5, "unknown_share": -6.0}, bias=-3.5)

    def probability(self, x: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * x.get(k, 0.0) for k in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def answerable(self, x: dict[str, float]) -> bool:
        return self.probability(x) >= self.threshold

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps({"weights": self.weights, "bias": self.bias, "threshold": self.threshold},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def fit(samples: list[tuple[dict[str, float], bool]], l2: float = 0.1, steps: int = 3000, lr: float = 0.5) -> RefusalModel:
    """Plain gradient-descent logistic regression (a few dozen samples; no extra dependency)."""
    w = dict.fromkeys(FEATURES, 0.0)
    b = 0.0
    n = max(len(samples), 1)
    for _ in range(steps):
        gw = dict.fromkeys(FEATURES, 0.0)
        gb = 0.0
        for x, y in samples:
            p = 1.0 / (1.0 + math.exp(-(b + sum(w[k] * x[k] for k in FEATURES))))
            err = p - float(y)
            gb += err
            for k in FEATURES:
                gw[k] += err * x[k]
        b -= lr * gb / n
        for k in FEATURES:
            w[k] -= lr * (gw[k] / n + l2 * w[k])
    return RefusalModel(weights={k: round(v, 4) for k, v in w.items()}, bias=round(b, 4))
