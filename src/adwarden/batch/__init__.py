"""Distributed jobs on Apache Spark (optional extra ``adwarden[spark]``)."""
