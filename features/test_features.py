"""Bind every Vietnamese feature file to pytest (steps live in features/conftest.py)."""

from pytest_bdd import scenarios

scenarios("intake", "deadlines", "procedure")
