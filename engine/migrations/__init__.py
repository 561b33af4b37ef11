"""Alembic migrations for BVTE's schema. Run through ``bvte db upgrade`` (``engine.migrate``)."""
