"""The adapters over the library API: the command line and its rich terminal front end."""
