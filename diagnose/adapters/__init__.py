"""The adapters over the library API: the command line."""
