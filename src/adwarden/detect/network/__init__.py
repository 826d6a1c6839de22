"""Networks: link posts into the operations behind them.

One ad is weak evidence; a network -- one phone across four cities, the same photos under different names,
one template with the name swapped -- is what reviewers and police act on. This package is pure (no ORM, no
web framework): :func:`link_records` links a corpus, :class:`IncrementalLinker` links posts as they arrive,
:func:`extract_template` finds a near-duplicate cluster's template and slots, :func:`network_facts` measures
movement and cadence, and :class:`NetworkDetector` turns those facts into evidence.
"""

from adwarden.detect.network.hubs import HubRules, IgnoredIdentifier, IgnoredPost
from adwarden.detect.network.linker import LinkConfig, link_records
from adwarden.detect.network.minhash import RING_TEXT, MinHashParams
from adwarden.detect.network.model import Link, LinkResult, Network, network_id
from adwarden.detect.network.records import LINK_KINDS, LinkRecord, record_from_input, record_from_post
from adwarden.detect.network.verify import VerifyParams

__all__ = [
    "LINK_KINDS",
    "HubRules",
    "IgnoredIdentifier",
    "IgnoredPost",
    "Link",
    "LinkConfig",
    "LinkRecord",
    "LinkResult",
    "MinHashParams",
    "Network",
    "RING_TEXT",
    "VerifyParams",
    "link_records",
    "network_id",
    "record_from_input",
    "record_from_post",
]
