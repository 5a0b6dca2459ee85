"""Helpers the tests share (and the benches may use): an app over real HTTP, real SMTP, the
clock, fresh databases, server processes, GraphQL documents per area, bulk seeding. Fixtures
that hand them to tests live in tests/conftest.py; nothing here imports a test module or bench/."""
