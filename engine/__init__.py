"""BVTE's runtime over SpiffWorkflow: process versions, cases, tasks, timers, calendar and audit.

The engine knows BPMN, agencies as codes, time and storage; it knows no particular process.
Per-process knowledge (lane maps, forms, deadline rules) comes in as a ``ProcessConfig`` from
``workflows``. Nothing here imports Flask.
"""
