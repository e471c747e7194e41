"""Presentation: the interface's own words, the result as ordered sections and the Markdown transcript."""
