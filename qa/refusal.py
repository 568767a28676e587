"""Whether the best passage really answers the question: a small logistic model fitted on calibration questions."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.query import Query
from qa.retrieve import Candidate, Scope
from qa.terms import TermWeights

MODEL_FILE = Path(__file__).with_name("refusal.json")
FEATURES = ("coverage", "missing", "dense", "focus")


def features(cands: list[Candidate], query: Query, scope: Scope, terms: TermWeights) -> dict[str, float]:
    """Evidence that the corpus holds an answer: how much of the question the best passages and the
    documents in scope cover, and how close the best passage is in embedding space (rescaled)."""
    if not cands:
        return {"coverage": 0.0, "missing": 1.0, "dense": 0.0, "focus": 0.0}
    focus = query.focus or query.terms
    return {
        "focus": max(terms.coverage(focus, c.chunk.search_text) for c in cands[:3]),
        "coverage": max(c.coverage for c in cands[:3]),
        "missing": terms.missing_share(query.terms, scope.doc_ids),
        "dense": max(0.0, (max(c.dense for c in cands[:3]) - 0.8) * 5),
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
        return cls(weights={"coverage": 3.0, "missing": -6.0, "dense": 1.0, "focus": 3.0}, bias=-1.0)

    def probability(self, x: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * x.get(k, 0.0) for k in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def answerable(self, x: dict[str, float], query: Query) -> bool:
        """The model weighs the evidence; a guard refuses when none of the words naming what is asked about
        (those before the question word: 房租、补贴 in "房租补贴标准是多少") is in the best passages. One such
        word alone may be the asker's own paraphrase, so the guard needs two."""
        if len(query.focus) >= 2 and x["focus"] == 0.0:
            return False
        return self.probability(x) >= self.threshold

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps({"weights": self.weights, "bias": self.bias, "threshold": self.threshold},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def fit(samples: list[tuple[dict[str, float], bool]], l2: float = 0.01, steps: int = 50) -> RefusalModel:
    """L2-regularised logistic regression by Newton's method (a few dozen samples; numpy only)."""
    x = np.array([[1.0, *(sample[k] for k in FEATURES)] for sample, _ in samples])
    y = np.array([float(label) for _, label in samples])
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-9 * np.eye(x.shape[1])
        w -= np.linalg.solve(hess, grad)
    return RefusalModel(weights={k: round(float(v), 4) for k, v in zip(FEATURES, w[1:], strict=True)},
                        bias=round(float(w[0]), 4))
