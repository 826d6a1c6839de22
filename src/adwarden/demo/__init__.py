"""Synthetic, non-explicit demo data: a marketplace of benign ads with a few planted networks."""

from adwarden.demo.generate import (
    Marketplace,
    PlantedNetwork,
    generate_marketplace,
    generate_posts,
    planted_networks,
)

__all__ = ["Marketplace", "PlantedNetwork", "generate_marketplace", "generate_posts", "planted_networks"]
