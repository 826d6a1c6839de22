"""Evaluation of AdWarden components against labelled public data (paths are always arguments)."""
