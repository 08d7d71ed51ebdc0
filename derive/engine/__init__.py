"""The engine: surface trees to sympy, the normaliser, numbers, the independent evaluator, and
the checker that decides every verdict.
"""
