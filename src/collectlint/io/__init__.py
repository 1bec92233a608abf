"""Readers: bytes on disk (or stdin) → `Document`s. Nothing here matches rules."""
