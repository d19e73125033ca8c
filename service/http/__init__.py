"""HTTP plumbing every blueprint shares: problem details, request parsing, site-key auth, API
conventions (Idempotency-Key, rate limits), integer path ids and outage answers."""
