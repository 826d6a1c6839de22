"""Locust load for the API benchmark: each user posts synthetic ads at a constant rate (see bench_api.py)."""

from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, constant_throughput, task

from adwarden.demo.generate import generate_posts

_COUNT = int(os.environ.get("BENCH_POSTS", "20000"))
_POSTS = [json.dumps(p) for p in generate_posts(_COUNT, seed=11)]
_NEXT = itertools.cycle(range(_COUNT))
_RATE = float(os.environ.get("BENCH_RATE_PER_USER", "10"))


class Platform(FastHttpUser):
    """geventhttpclient-based user: its own overhead is small next to the server's, unlike requests'."""

    wait_time = constant_throughput(_RATE)

    @task
    def submit(self) -> None:
        body = _POSTS[next(_NEXT)]
        self.client.post("/v1/posts", data=body, headers={"content-type": "application/json"}, name="/v1/posts")
