"""The knowledge base: its model (immutable values), the schema of its files, the loader and the lint.

Kept light: importing the package does not load or parse anything (see `loader.load`).
"""
