"""Test support shared by tests/, features/ and bench/: databases, sample reports, BPMN builders.

Not a runtime package: nothing under engine/, workflows/ or webui/ imports it.
"""
