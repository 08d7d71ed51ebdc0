"""Integrations: the pytest plugin, the Jupyter magics and the assertion helpers for tests.
"""
