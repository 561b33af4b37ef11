"""Notifications: an outbox written in the change's own transaction, delivered by a sender worker.

``models`` (tables), ``settings`` (what a procedure says: emergency rules, lead times), ``outbox`` (the
write-path hook), ``messages`` (texts without case data), ``channels`` (SMTP, the SMS webhook), ``sender``
(the worker: leases, retries, digest, reminders), ``people`` (contacts, on-duty roster, quiet hours) and
``views`` (what the bell, the case file and the operators read).
"""
