"""Reading: Markdown and front matter to read equations (surface trees, names, scopes). No
sympy here: a test enforces it.
"""
