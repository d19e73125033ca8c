"""Everything that decides: text normalisation, the classifier, training, policy and the registry.

Machine-learning models and moderation policy, not ORM classes. Importable without Flask, Redis or a
database; the only I/O here is reading and writing model artifacts and reading labelled data.
"""
