"""``python -m adwarden`` runs the CLI."""

from adwarden.cli.main import main

main()
