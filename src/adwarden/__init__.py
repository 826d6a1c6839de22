"""AdWarden: open trust-and-safety screening against sex trafficking and child exploitation."""
__version__ = "0.1.0"
