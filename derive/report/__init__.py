"""The report: the model of a checked document, its summary wording, and the renderers (pure
functions of the model).
"""
