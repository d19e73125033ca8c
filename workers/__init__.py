"""RQ glue: job functions that take ids, load what they need, call `models`, store the result."""
