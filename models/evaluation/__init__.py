"""Evaluation of a trained classifier: metrics, bias, spans, evasion, speed and the report."""

from models.evaluation.speed import speed

__all__ = ["speed"]
