"""Inference: what the rules mean (semantics), the experta back-end that runs them, and the result built
from any back-end's inference record."""
