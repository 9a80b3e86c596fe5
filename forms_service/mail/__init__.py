"""E-mail: the outbox (queue and sender), the retry policy, the SMTP transport, and the
messages themselves (render)."""
