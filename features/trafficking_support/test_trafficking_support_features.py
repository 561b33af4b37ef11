"""Bind the trafficking-victim scenarios to pytest (steps in this folder's conftest.py)."""

from pytest_bdd import scenarios

scenarios("trafficking_support")
