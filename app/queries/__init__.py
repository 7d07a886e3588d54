"""Query functions: each takes a session and keyword arguments and returns table models."""
