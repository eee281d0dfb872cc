"""The round by email: ``send`` workbooks, feedback and reminders, ``collect`` returns from the
mailbox, ``status`` per organisation; the ledger that makes reruns safe.

The library verbs are in ``ita_xlsx.api`` (``send_workbooks``, ``collect``, ``round_status``,
``mail_test``); this package holds the parts.
"""
