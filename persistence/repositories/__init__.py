"""Repositories: the domain's storage ports (`domain/ports/storage.py`) on one SQLAlchemy
session, the unit of work's. One module per aggregate; the unit of work builds them."""
