"""The application: the front door (api), the command line, the cache, parallel checking,
configuration and the built-ins.
"""
