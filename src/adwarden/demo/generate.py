"""A synthetic, non-explicit classified-ad marketplace with planted networks.

Why: the demo, the ingest and network benchmarks and many tests need a corpus that looks like a marketplace
(mostly benign furniture, job, car, rental and service ads) but carries a few *known* networks, so that linking
can be measured against ground truth without touching real ad data. Everything is fictional:

* phones are in the fictional 555-01xx range (``+1 206 555 0147``) across many area codes; network phones use
  ``555-0100..0129`` and benign sellers ``555-0130..0199``, so a benign seller never shares a network's phone by
  accident, and each benign seller's number is unique (no random collisions at any corpus size);
* e-mails and URLs are on ``example.com``; IP addresses are in the documentation ranges (TEST-NET-1/2/3);
* media carry random hex hashes, never pixels; a network reuses its images, sometimes with a few PDQ bits
  flipped (a re-encoded copy), and a few "stock photos" appear in many unrelated benign ads;
* network ads only use mild, non-explicit indicator phrases ("new in town", "available 24/7", "roses").

Planted networks (see :class:`PlantedNetwork`) share phones (one to three per network, several area codes),
a text template whose slots vary (name, age, price, phone, city), images, and sometimes a device id; they move
along a circuit of cities over the days; some of their ads write the phone obfuscated ("two zero six ...").
The corpus also carries hub identifiers a linker must ignore: a carrier-NAT IP and a site "safety tips" URL in
many unrelated benign ads, and stock photos.

The generator is pure and seeded: the same ``(count, seed, network_share)`` always yields the same posts.

>>> posts = list(generate_posts(50, seed=1))
>>> len(posts), posts[0]["external_id"]
(50, 'ad-0000000')
>>> truth = planted_networks(50, seed=1)
>>> sum(len(v) for v in truth.values()) <= 50
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from adwarden.demo.vocabulary import (
    ADJ,
    BENIGN,
    CATEGORY_WEIGHTS,
    CITIES,
    COMPANIES,
    FIRST,
    FURNITURE,
    LANDMARKS,
    MAKES,
    NEIGHBORHOODS,
    NET_CATEGORIES,
    NET_SENTENCES,
    NET_TITLES,
    NUMBER_WORDS,
    REGIONS,
    ROLES,
    SELLER_FIRST,
    SELLER_LAST,
    SERVICES,
    START,
    WORDS,
)

__all__ = [
    "CITIES",
    "Marketplace",
    "PlantedNetwork",
    "generate_marketplace",
    "generate_posts",
    "planted_networks",
]



@dataclass(frozen=True)
class PlantedNetwork:
    """Ground truth for one planted network: which posts belong to it and what it shares.

    ``style`` says what mainly links it: ``phone`` (one shared phone), ``rotating`` (several phones, several
    area codes, linked by template and images), ``images`` (new phone every few ads, linked by reused
    photos and the template), ``device`` (many accounts on one device id).
    """

    id: str
    style: str
    posts: tuple[str, ...]
    phones: tuple[str, ...]
    names: tuple[str, ...]
    ages: tuple[int, ...]
    cities: tuple[str, ...]
    image_count: int


@dataclass(frozen=True)
class _NetPlan:
    net: PlantedNetwork
    sentences: tuple[str, ...]
    titles: tuple[str, ...]
    category: str
    site: str
    circuit: tuple[int, ...]
    stay_days: int
    prices: tuple[int, ...]
    images: tuple[tuple[str, str], ...]  # (sha256, pdq)
    device: str
    ip: str | None
    accounts: int


@dataclass(frozen=True)
class Marketplace:
    """A planned synthetic corpus. :meth:`posts` generates the posts lazily and deterministically.

    ``networks`` is the ground truth; :meth:`truth` maps each planted post's external id to its network id.
    """

    count: int
    seed: int
    network_share: float
    days: int
    networks: tuple[PlantedNetwork, ...]
    _plans: tuple[_NetPlan, ...]
    _slot_of: Mapping[int, tuple[int, int]]  # post index -> (network index, ordinal in network)

    def truth(self) -> dict[str, str]:
        """``{external_id: network_id}`` for every post of a planted network (benign posts are absent)."""
        return {ext: n.id for n in self.networks for ext in n.posts}

    def posts(self) -> Iterator[dict[str, Any]]:
        """Yield ``count`` post dicts in the ingest JSON schema, oldest first."""
        rng = random.Random(self.seed * 7_919 + 17)
        span = self.days * 86_400.0
        step = span / max(self.count, 1)
        sellers = _Sellers(rng, self.count)
        for i in range(self.count):
            posted = START + timedelta(seconds=int((i + rng.random()) * step))
            slot = self._slot_of.get(i)
            if slot is None:
                yield _benign_post(rng, i, posted, sellers)
            else:
                plan = self._plans[slot[0]]
                yield _network_post(rng, i, posted, plan, slot[1])


def generate_marketplace(
    count: int, *, seed: int = 0, network_share: float = 0.05, days: int = 30
) -> Marketplace:
    """Plan a marketplace of ``count`` posts where about ``network_share`` of them belong to planted networks.

    Networks have 3 to 30 posts each; a share that yields fewer than 3 network posts plants none.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if not 0.0 <= network_share <= 1.0:
        raise ValueError("network_share must be between 0 and 1")
    if days < 1:
        raise ValueError("days must be >= 1")
    rng = random.Random(seed)
    n_net = round(count * network_share)
    if n_net < 3:
        n_net = 0
    sizes: list[int] = []
    remaining = n_net
    while remaining > 0:
        size = min(remaining, rng.randint(4, 30))
        if 0 < remaining - size < 3:
            size = remaining
        sizes.append(size)
        remaining -= size
    indices = sorted(rng.sample(range(count), n_net)) if n_net else []
    owner = [k for k, s in enumerate(sizes) for _ in range(s)]
    rng.shuffle(owner)
    members: list[list[int]] = [[] for _ in sizes]
    for idx, k in zip(indices, owner, strict=True):
        members[k].append(idx)
    phone_pool = _network_phone_pool()
    rng.shuffle(phone_pool)
    next_phone = 0
    plans: list[_NetPlan] = []
    slot_of: dict[int, tuple[int, int]] = {}
    for k, idxs in enumerate(members):
        style = ("phone", "rotating", "images", "device")[k % 4]
        region = REGIONS[rng.randrange(len(REGIONS))]
        circuit = tuple(rng.sample(region, rng.randint(2, min(4, len(region)))))
        n_phones = {"phone": 1, "rotating": rng.randint(2, 3), "images": max(2, len(idxs) // 3), "device": 1}[style]
        phones: list[str] = []
        for _ in range(n_phones):
            if next_phone < len(phone_pool):
                phones.append(phone_pool[next_phone])
                next_phone += 1
        names = tuple(rng.sample(FIRST, rng.randint(2, 5)))
        ages = tuple(sorted(rng.sample(range(19, 27), rng.randint(1, 3))))
        n_images = rng.randint(2, 6)
        images = tuple((_hex(rng, 64), _hex(rng, 64)) for _ in range(n_images))
        ext_ids = tuple(_external_id(i) for i in idxs)
        net = PlantedNetwork(
            id=f"net-{k + 1:04d}",
            style=style,
            posts=ext_ids,
            phones=tuple(phones),
            names=names,
            ages=ages,
            cities=tuple(f"{CITIES[c][0]}, {CITIES[c][1]}" for c in circuit),
            image_count=n_images,
        )
        plans.append(
            _NetPlan(
                net=net,
                sentences=_network_sentences(rng),
                titles=tuple(rng.sample(NET_TITLES, 2)),
                category=NET_CATEGORIES[rng.randrange(len(NET_CATEGORIES))],
                site="example-classifieds" if rng.random() < 0.8 else "example-personals",
                circuit=circuit,
                stay_days=rng.randint(2, 5),
                prices=tuple(rng.sample((80, 100, 120, 150, 160, 180, 200, 250), 2)),
                images=images,
                device=f"dev-{_hex(rng, 16)}",
                ip=f"192.0.2.{k + 1}" if k < 254 else None,
                accounts=rng.randint(1, 4),
            )
        )
        for ordinal, i in enumerate(idxs):
            slot_of[i] = (k, ordinal)
    return Marketplace(
        count=count,
        seed=seed,
        network_share=network_share,
        days=days,
        networks=tuple(p.net for p in plans),
        _plans=tuple(plans),
        _slot_of=slot_of,
    )


def _network_sentences(rng: random.Random) -> tuple[str, ...]:
    """A network's template: a few stock phrases plus two catch-phrases of its own (every writer has a style)."""
    stock = rng.sample(NET_SENTENCES, rng.randint(4, 6))
    own = [
        " ".join(WORDS[rng.randrange(len(WORDS))] for _ in range(rng.randint(7, 11))).capitalize() + "."
        for _ in range(2)
    ]
    for phrase in own:
        stock.insert(rng.randrange(len(stock) + 1), phrase)
    return tuple(stock)


def generate_posts(count: int, *, seed: int = 0, network_share: float = 0.05) -> Iterator[dict[str, Any]]:
    """Yield ``count`` synthetic post dicts (see :func:`generate_marketplace` for the planted ground truth)."""
    return generate_marketplace(count, seed=seed, network_share=network_share).posts()


def planted_networks(count: int, *, seed: int = 0, network_share: float = 0.05) -> dict[str, tuple[str, ...]]:
    """``{network_id: external ids}`` of the networks :func:`generate_posts` plants for the same arguments."""
    return {n.id: n.posts for n in generate_marketplace(count, seed=seed, network_share=network_share).networks}


# --- helpers ---------------------------------------------------------------------------------------------------


def _external_id(i: int) -> str:
    return f"ad-{i:07d}"


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


@lru_cache(maxsize=1)
def _area_codes() -> tuple[int, ...]:
    """Area codes in which ``555-01xx`` is a valid number (so extractors that validate numbers accept them)."""
    import phonenumbers

    codes = []
    for area in range(200, 1000):
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{area}5550147")):
            codes.append(area)
    return tuple(codes)


def _network_phone_pool() -> list[str]:
    return [f"+1{a}55501{x:02d}" for a in _area_codes() for x in range(0, 30)]


class _Sellers:
    """Benign sellers: each has a unique account, e-mail and device; phones are unique while the pool lasts."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self._rng = rng
        self._phones = [f"+1{a}55501{x:02d}" for a in _area_codes() for x in range(30, 100)]
        rng.shuffle(self._phones)
        self._recent: dict[str, list[dict[str, Any]]] = {}
        self._n = 0

    def pick(self, category: str) -> dict[str, Any]:
        recent = self._recent.setdefault(category, [])
        if recent and self._rng.random() < 0.2:
            return recent[self._rng.randrange(len(recent))]
        rng = self._rng
        k = self._n
        self._n += 1
        first, last = SELLER_FIRST[rng.randrange(len(SELLER_FIRST))], SELLER_LAST[rng.randrange(len(SELLER_LAST))]
        phone = self._phones[k] if k < len(self._phones) and rng.random() < 0.6 else None
        seller: dict[str, Any] = {
            "id": f"u-{k:07d}",
            "email": f"{first.lower()}.{last.lower()}{k}@example.com",
            "device_id": f"dev-{_hex(rng, 16)}",
            "name": f"{first} {last}",
            "phone": phone,
            "city": rng.randrange(len(CITIES)),
        }
        if k < 254:
            seller["ip"] = f"198.51.100.{k + 1}"
        recent.append(seller)
        if len(recent) > 50:
            recent.pop(0)
        return seller


def _pick(rng: random.Random, seq: tuple[Any, ...]) -> Any:
    return seq[rng.randrange(len(seq))]


def _benign_slots(rng: random.Random, city: str, seller: dict[str, Any]) -> dict[str, Any]:
    make, models = _pick(rng, MAKES)
    return {
        "adj": _pick(rng, ADJ),
        "item": _pick(rng, FURNITURE),
        "item2": _pick(rng, FURNITURE),
        "price": rng.randrange(20, 900),
        "price2": rng.randrange(10, 300),
        "price3": rng.randrange(300, 3000),
        "hood": _pick(rng, NEIGHBORHOODS),
        "dim": rng.randrange(18, 96),
        "years": rng.randrange(2, 25),
        "part": _pick(rng, ("top", "legs", "side", "back", "drawer fronts")),
        "hour": rng.randrange(4, 9),
        "role": _pick(rng, ROLES),
        "company": _pick(rng, COMPANIES),
        "wage": rng.randrange(16, 42),
        "shift": _pick(rng, ("mornings", "evenings", "weekends", "overnights")),
        "perk": _pick(rng, ("free meal each shift", "transit pass", "first visit discount", "referral bonus")),
        "lbs": _pick(rng, (25, 40, 50, 75)),
        "url": f"https://example.com/jobs/{rng.randrange(10_000, 99_999)}",
        "landmark": _pick(rng, LANDMARKS),
        "weekday": _pick(rng, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")),
        "year": rng.randrange(2004, 2024),
        "make": make,
        "model": _pick(rng, models),
        "make2": _pick(rng, MAKES)[0],
        "miles": rng.randrange(12, 220),
        "month": _pick(rng, ("January", "March", "May", "June", "August", "October", "December")),
        "oil": _pick(rng, (3, 5, 7)),
        "side": _pick(rng, ("driver", "passenger", "rear")),
        "accessory": _pick(rng, ("tow hitch", "bike rack", "remote starter", "new stereo")),
        "beds": rng.randrange(1, 5),
        "baths": rng.randrange(1, 3),
        "rent": rng.randrange(900, 4200),
        "parking": _pick(rng, ("one parking spot", "street parking", "garage space")),
        "deposit": rng.randrange(200, 800),
        "utilities": rng.randrange(60, 250),
        "service": _pick(rng, SERVICES),
        "rate": rng.randrange(20, 120),
        "pct": _pick(rng, (5, 10, 15, 20)),
        "since": rng.randrange(1995, 2024),
        "phone": _format_phone(seller["phone"]) if seller["phone"] else "the number in my profile",
        "city": city,
        "seller": seller["name"],
    }


def _benign_post(rng: random.Random, i: int, posted: datetime, sellers: _Sellers) -> dict[str, Any]:
    category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], weights=[w for _, w in CATEGORY_WEIGHTS])[0]
    seller = sellers.pick(category)
    city_name, state = CITIES[seller["city"]][0], CITIES[seller["city"]][1]
    titles, pool = BENIGN[category]
    slots = _benign_slots(rng, city_name, seller)
    chosen = rng.sample(pool, rng.randint(2, 4))
    body_parts = [s.format(**slots) for s in chosen]
    for _ in range(rng.randint(1, 2)):
        words = [WORDS[rng.randrange(len(WORDS))] for _ in range(rng.randint(8, 16))]
        body_parts.insert(rng.randrange(len(body_parts) + 1), " ".join(words).capitalize() + ".")
    if seller["phone"] and rng.random() < 0.5 and not any("{phone}" in s for s in chosen):
        body_parts.append(f"Call or text {_format_phone(seller['phone'])}.")
    if rng.random() < 0.1:
        body_parts.append("Stay safe: read https://example.com/safety-tips before meeting a buyer.")
    account: dict[str, Any] = {"id": seller["id"], "email": seller["email"], "device_id": seller["device_id"]}
    if seller["phone"]:
        account["phone"] = seller["phone"]
    if "ip" in seller:
        account["ip"] = seller["ip"]
    elif rng.random() < 0.08:
        account["ip"] = "203.0.113.7"  # a carrier-NAT address shared by unrelated users: a hub to ignore
    media = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        if rng.random() < 0.03:
            sha, pdq = _STOCK_PHOTOS[rng.randrange(len(_STOCK_PHOTOS))]
        else:
            sha, pdq = _hex(rng, 64), _hex(rng, 64)
        media.append({"url": f"https://example.com/img/{sha[:16]}.jpg", "sha256": sha, "pdq": pdq})
    ext = _external_id(i)
    return {
        "external_id": ext,
        "site": "example-classifieds",
        "category": category,
        "title": _pick(rng, titles).format(**slots),
        "body": " ".join(body_parts),
        "location": f"{city_name}, {state}",
        "posted_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": f"https://example.com/{category}/{ext}",
        "account": account,
        "media": media,
    }


def _stock_photos() -> tuple[tuple[str, str], ...]:
    rng = random.Random(20_261_001)
    return tuple((_hex(rng, 64), _hex(rng, 64)) for _ in range(3))


_STOCK_PHOTOS = _stock_photos()


def _format_phone(e164: str) -> str:
    d = e164[2:]
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def _obfuscate_phone(rng: random.Random, e164: str) -> str:
    """Write a phone the way ads dodge filters: number words, letter-for-digit swaps, spacing."""
    d = e164[2:]
    style = rng.randrange(4)
    if style == 0:
        return " ".join(NUMBER_WORDS[int(c)] for c in d)
    if style == 1:
        swapped = d.replace("0", "o").replace("1", "l")
        return f"{swapped[:3]}.{swapped[3:6]}.{swapped[6:]}"
    if style == 2:
        return " ".join(d[:3]) + " - " + " ".join(d[3:6]) + " - " + " ".join(d[6:])
    return f"{d[:3]} {NUMBER_WORDS[int(d[3])]}{d[4:6]} {d[6:8]}{NUMBER_WORDS[int(d[8])]}{d[9]}"


def _flip_bits(rng: random.Random, pdq: str, n: int) -> str:
    value = int(pdq, 16)
    for bit in rng.sample(range(256), n):
        value ^= 1 << bit
    return f"{value:064x}"


def _network_post(rng: random.Random, i: int, posted: datetime, plan: _NetPlan, ordinal: int) -> dict[str, Any]:
    net = plan.net
    day = (posted - START).days
    city_idx = plan.circuit[(day // plan.stay_days) % len(plan.circuit)]
    city_name, state = CITIES[city_idx][0], CITIES[city_idx][1]
    if net.style == "images" and net.phones:
        phone: str | None = net.phones[min(ordinal // 3, len(net.phones) - 1)]
    elif net.phones:
        phone = net.phones[rng.randrange(len(net.phones))]
    else:
        phone = None
    price = plan.prices[rng.randrange(len(plan.prices))]
    if phone is None:
        phone_text = "the number in my profile"
    elif rng.random() < 0.2:
        phone_text = _obfuscate_phone(rng, phone)
    else:
        phone_text = _format_phone(phone)
    slots = {
        "name": _pick(rng, net.names),
        "age": _pick(rng, net.ages),
        "city": city_name,
        "price": price,
        "half": price * 2 // 3,
        "phone": phone_text,
    }
    sentences = list(plan.sentences)
    if len(sentences) > 6 and rng.random() < 0.3:
        sentences.pop(rng.randrange(len(sentences)))
    if not any("{phone}" in s for s in sentences):
        sentences.append("Call or text {phone}.")
    body = " ".join(s.format(**slots) for s in sentences)
    account_no = rng.randrange(plan.accounts)
    account: dict[str, Any] = {
        "id": f"{net.id}-acct-{account_no}",
        "email": f"{net.id.replace('-', '')}.{account_no}@example.com",
    }
    if net.style == "device" or rng.random() < 0.3:
        account["device_id"] = plan.device
    if phone is not None and net.style != "images":
        account["phone"] = phone
    if plan.ip is not None and rng.random() < 0.5:
        account["ip"] = plan.ip
    media = []
    n_media = rng.randint(1, min(3, len(plan.images)))
    for sha, pdq in rng.sample(plan.images, n_media):
        if rng.random() < 0.25:  # a re-encoded copy: new bytes, a few PDQ bits off
            sha, pdq = _hex(rng, 64), _flip_bits(rng, pdq, rng.randint(2, 12))
        media.append({"url": f"https://example.com/img/{sha[:16]}.jpg", "sha256": sha, "pdq": pdq})
    ext = _external_id(i)
    return {
        "external_id": ext,
        "site": plan.site,
        "category": plan.category,
        "title": plan.titles[rng.randrange(2)].format(**slots),
        "body": body,
        "location": f"{city_name}, {state}",
        "posted_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": f"https://example.com/{plan.category}/{ext}",
        "account": account,
        "media": media,
    }
