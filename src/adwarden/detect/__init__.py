"""Detectors: independent, each returning evidence. See :mod:`adwarden.detect.base`."""
