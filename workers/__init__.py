"""Background workers (Dramatiq actors, the periodic scheduler, the outbox relay).

Empty until the worker issue: nothing here pretends to run jobs yet.
"""
