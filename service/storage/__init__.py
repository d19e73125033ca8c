"""Storage: the database is the record of every comment and decision (Redis is only transport).

db (engine and the core tables), store (comments and decisions), policies, model_state, labels,
shadow (shadow decisions), and the tables of the moderator side and of the integrations.
"""
