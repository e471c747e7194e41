"""Presentation: the interface's own words, the terminal screens and the Markdown transcript."""
