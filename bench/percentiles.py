"""The one way every benchmark here reads its samples: nearest-rank percentiles."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(values: list[float], digits: int = 2) -> dict[str, float]:
    """p50, p99 and max of the samples, rounded for the JSON."""
    return {"p50": round(percentile(values, 0.5), digits), "p99": round(percentile(values, 0.99), digits),
            "max": round(max(values), digits)}
