"""The classifier's output categories (each a probability in [0, 1])."""

CATEGORIES: tuple[str, ...] = (
    "toxicity",
    "insult",
    "threat",
    "identity_attack",
    "obscene",
    "spam",
)
