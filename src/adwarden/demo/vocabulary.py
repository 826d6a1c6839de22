"""The synthetic marketplace's vocabulary: cities, names, ad templates and phrases (all fictional, non-explicit).

Kept apart from :mod:`adwarden.demo.generate` so the generator reads as logic; nothing here is random.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

#: (city, state, latitude, longitude, local area codes). Coordinates are approximate city centres.
CITIES: tuple[tuple[str, str, float, float, tuple[int, ...]], ...] = (
    ("Seattle", "WA", 47.606, -122.332, (206,)),
    ("Tacoma", "WA", 47.253, -122.444, (253,)),
    ("Spokane", "WA", 47.659, -117.426, (509,)),
    ("Olympia", "WA", 47.038, -122.900, (360,)),
    ("Portland", "OR", 45.515, -122.679, (503, 971)),
    ("Boise", "ID", 43.615, -116.202, (208,)),
    ("San Francisco", "CA", 37.775, -122.419, (415,)),
    ("Oakland", "CA", 37.804, -122.271, (510,)),
    ("Sacramento", "CA", 38.582, -121.494, (916,)),
    ("Los Angeles", "CA", 34.052, -118.244, (213, 323)),
    ("San Diego", "CA", 32.716, -117.161, (619,)),
    ("Las Vegas", "NV", 36.170, -115.140, (702,)),
    ("Phoenix", "AZ", 33.448, -112.074, (602,)),
    ("Denver", "CO", 39.739, -104.990, (303, 720)),
    ("Salt Lake City", "UT", 40.761, -111.891, (801,)),
    ("Dallas", "TX", 32.777, -96.797, (214,)),
    ("Houston", "TX", 29.760, -95.370, (713, 832)),
    ("Austin", "TX", 30.267, -97.743, (512,)),
    ("Chicago", "IL", 41.878, -87.630, (312, 773)),
    ("Minneapolis", "MN", 44.978, -93.265, (612,)),
    ("Atlanta", "GA", 33.749, -84.388, (404, 678)),
    ("Miami", "FL", 25.762, -80.192, (305, 786)),
    ("Orlando", "FL", 28.538, -81.379, (407,)),
    ("New York", "NY", 40.713, -74.006, (212, 646)),
    ("Newark", "NJ", 40.736, -74.172, (973,)),
    ("Philadelphia", "PA", 39.953, -75.165, (215, 267)),
    ("Boston", "MA", 42.360, -71.059, (617,)),
    ("Washington", "DC", 38.907, -77.037, (202,)),
    ("Charlotte", "NC", 35.227, -80.843, (704,)),
    ("Nashville", "TN", 36.163, -86.781, (615,)),
)

REGIONS: tuple[tuple[int, ...], ...] = (
    (0, 1, 3, 4, 5, 2),  # Pacific Northwest
    (6, 7, 8, 9, 10, 11),  # California and Nevada
    (11, 12, 13, 14, 9),  # Mountain west
    (15, 16, 17, 12),  # Texas
    (18, 19, 13),  # Midwest
    (20, 21, 22, 28, 29),  # Southeast
    (23, 24, 25, 26, 27),  # Northeast corridor
)

FIRST = (
    "Avery", "Brooke", "Carmen", "Daisy", "Elena", "Fiona", "Gina", "Holly", "Iris", "Jade", "Kira", "Luna",
    "Maya", "Nina", "Olive", "Paige", "Quinn", "Rosa", "Sasha", "Tessa", "Uma", "Vera", "Willa", "Xena",
    "Yara", "Zoe", "Amber", "Bella", "Cleo", "Dana", "Ember", "Faye", "Gemma", "Hazel", "Ivy", "Jolie",
)
SELLER_FIRST = (
    "Alex", "Blake", "Casey", "Drew", "Emery", "Frank", "Grace", "Henry", "Isaac", "Julia", "Kevin", "Laura",
    "Marco", "Nora", "Oscar", "Priya", "Ravi", "Sam", "Tom", "Ursula", "Victor", "Wendy", "Yusuf", "Zack",
)
SELLER_LAST = (
    "Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Kowalski",
    "Lopez", "Moreau", "Nguyen", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka", "Umar", "Vogel",
)

# --- benign content: sentence pools with dense slots, so unrelated benign ads are textually far apart -------
NEIGHBORHOODS = (
    "downtown", "the north side", "the east end", "midtown", "the university district", "the harbor",
    "old town", "the west hills", "riverside", "the market district", "lakeview", "the south park area",
    "the arts district", "the airport area", "greenwood", "the old mill", "cedar heights", "maple grove",
)
ADJ = (
    "solid", "vintage", "modern", "sturdy", "lightly used", "like new", "handmade", "classic", "compact",
    "spacious", "rustic", "elegant", "oak", "walnut", "leather", "mid-century", "industrial", "painted",
)
FURNITURE = (
    "dining table", "bookshelf", "sofa", "armchair", "dresser", "coffee table", "desk", "bed frame",
    "nightstand", "wardrobe", "bar stools", "rocking chair", "futon", "china cabinet", "patio set", "crib",
    "office chair", "tv stand", "filing cabinet", "kitchen island",
)
ROLES = (
    "line cook", "barista", "warehouse associate", "delivery driver", "receptionist", "dental assistant",
    "electrician apprentice", "landscaper", "bookkeeper", "forklift operator", "cashier", "caregiver",
    "welder", "data entry clerk", "sous chef", "painter", "retail supervisor", "dog walker",
)
COMPANIES = (
    "Northwind Supply", "Blue Harbor Cafe", "Cedar Logistics", "Summit Dental", "Bright Path Care",
    "Evergreen Landscaping", "Copper Kettle Bistro", "Ironworks Fabrication", "Pinecrest Retail",
    "Harbor Freight Movers", "Silver Lake Books", "Redwood Builders",
)
MAKES = (
    ("Toyota", ("Corolla", "Camry", "RAV4", "Tacoma")), ("Honda", ("Civic", "Accord", "CR-V", "Fit")),
    ("Ford", ("F-150", "Focus", "Escape", "Ranger")), ("Subaru", ("Outback", "Forester", "Impreza")),
    ("Chevrolet", ("Malibu", "Silverado", "Equinox")), ("Mazda", ("Mazda3", "CX-5", "Miata")),
    ("Volkswagen", ("Jetta", "Golf", "Tiguan")), ("Nissan", ("Altima", "Rogue", "Frontier")),
)
SERVICES = (
    "house cleaning", "lawn mowing", "gutter cleaning", "piano lessons", "math tutoring", "moving help",
    "computer repair", "bike repair", "pet sitting", "tax preparation", "handyman work", "window washing",
    "alterations and tailoring", "carpet cleaning", "guitar lessons", "resume writing",
)
LANDMARKS = (
    "the light rail", "the park", "the community college", "the hospital", "the farmers market",
    "the library", "the waterfront", "the stadium", "the bus depot", "the shopping center",
)

# Free-text vocabulary: each benign ad also gets a sentence or two of random words, because real benign ads
# are written by thousands of different people and rarely share long word sequences. Words that read as
# youth or trafficking indicators ("tiny", "fresh", "minor") are left out so benign ads stay benign.
WORDS = tuple(
    """
    able about above across after again almost along also always another around asked away back bright
    busy calm careful carry clean clear close color comfortable corner cozy daily deep detail easy edge
    enough even every extra fair family fast few fine finish first friendly front full garden gentle
    good great green handy happy heavy help high home honest house ideal inside kitchen large last light
    local long lovely low main many middle mostly neat nearby neighbor never next nice night noise
    often older open order other outside owner paint paper people perfect piece plain plenty porch pretty
    quick quiet rain ready reason recent regular rest right room rough round safe same season second shade
    sharp shelf short simple single small smooth soft solid space spare spring square stairs steady still
    storage street strong sturdy summer sunny sure table tall thanks thick thin tidy today together
    top town trail tree truck useful usual valley village wall warm washed water weekend weekday wide
    window winter wood work yard year yellow anyway basically honestly probably actually
    bring check drop fit grab hold keep leave look meet move need pick reach send show stop swap take
    try turn use wait want wash watch write blue brown gray orange purple red silver black white tan
    """.split()
)

BENIGN: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # category: (title templates, body sentence pool)
    "furniture": (
        ("{adj} {item} for sale", "{item} - {adj}, ${price}", "Moving sale: {adj} {item}", "{item} ({adj})"),
        (
            "Selling my {adj} {item} because we are moving to {hood}.",
            "Asking ${price} or best offer.",
            "Pickup only near {hood}, you load it.",
            "Smoke free and pet free home.",
            "Measures about {dim} inches wide.",
            "Bought it new in {since} and it still looks great.",
            "A few small scratches on the {part}, see photos.",
            "Cash or app payment at pickup.",
            "Also have a matching {item2} for ${price2}.",
            "First come first served, no holds.",
            "Can help carry it to your truck after {hour} pm.",
            "Originally paid ${price3} at the store.",
            "Message me with questions about the {item}.",
            "Will not last long at this price.",
        ),
    ),
    "jobs": (
        ("Hiring {role} in {city}", "{company} is hiring: {role}", "{role} wanted, ${wage}/hr", "Now hiring {role}s"),
        (
            "{company} is looking for a reliable {role} to join our team.",
            "Pay starts at ${wage} per hour depending on experience.",
            "Full time and part time shifts available, {shift} preferred.",
            "Benefits include paid time off and a {perk}.",
            "Must be able to lift {lbs} pounds.",
            "Apply online at {url} or stop by our {hood} location.",
            "We train the right person, no experience needed.",
            "Background check required for this position.",
            "Weekly pay and a friendly crew near {landmark}.",
            "Interviews held every {weekday} morning.",
            "Bring a resume and two references.",
            "Bilingual applicants are encouraged to apply.",
            "Located close to {landmark} with free parking.",
        ),
    ),
    "cars": (
        ("{year} {make} {model} - {miles}k miles", "{make} {model} {year}, ${price}", "Clean title {year} {make}"),
        (
            "Selling my {year} {make} {model} with {miles} thousand miles.",
            "Clean title in hand, asking ${price}.",
            "New tires and brakes done last {month}.",
            "Runs and drives great, no check engine light.",
            "Oil changed every {oil} thousand miles, records available.",
            "Small dent on the {side} door.",
            "Test drives welcome near {hood} on weekends.",
            "Only serious buyers please, price is firm.",
            "Has a roof rack and a {accessory}.",
            "Second owner, always garage kept.",
            "Will consider a trade for a {make2}.",
            "Registration is current until {month}.",
        ),
    ),
    "rentals": (
        ("{beds}BR apartment near {landmark}", "{beds} bed {baths} bath in {hood} - ${rent}", "Room for rent in {hood}"),
        (
            "Bright {beds} bedroom apartment in {hood}, ${rent} per month.",
            "Walking distance to {landmark}.",
            "Washer and dryer in unit, {parking} included.",
            "Available starting {month} first.",
            "Small pets considered with a deposit of ${deposit}.",
            "Twelve month lease, first month and deposit to move in.",
            "Quiet building with a shared garden.",
            "Utilities about ${utilities} a month.",
            "Hardwood floors and a {adj} kitchen.",
            "Showings on {weekday} evenings, message to book.",
            "No smoking anywhere on the property.",
            "Close to bus lines and {landmark}.",
        ),
    ),
    "services": (
        ("{service} - reasonable rates", "Affordable {service} in {city}", "{service} by {seller}", "Need {service}?"),
        (
            "Offering {service} in {hood} and nearby areas.",
            "Rates start at ${rate} per hour.",
            "Experienced, with great references.",
            "Licensed and insured for your peace of mind.",
            "Free estimates, call or text {phone}.",
            "Weekends and evenings available on request.",
            "Senior and student discounts of {pct} percent.",
            "I bring my own tools and supplies.",
            "Book by {weekday} to get a spot this week.",
            "Ask about the {perk} for new customers.",
            "Serving {city} since {since}.",
            "Reliable, on time and friendly.",
        ),
    ),
}
CATEGORY_WEIGHTS = (("furniture", 25), ("jobs", 20), ("cars", 20), ("rentals", 20), ("services", 15))

# --- network content: mild, non-explicit indicator phrases only -------------------------------------------
NET_TITLES = (
    "New in town - {name} {age}",
    "{name} visiting {city} - available 24/7",
    "Sweet {name}, just arrived in {city}",
    "{name} {age} - new in town this week",
    "Friendly company in {city} - ask for {name}",
    "Available now in {city}, {name}",
)
NET_SENTENCES = (
    "Hi gentlemen, my name is {name} and I am {age}.",
    "New in town for a few days only.",
    "Available 24/7, incall and outcall.",
    "Visiting {city} this week, leaving soon.",
    "{price} roses for the hour, no negotiating.",
    "Call or text {phone}, no blocked numbers.",
    "Ask for {name} when you call.",
    "Discreet, upscale and friendly company.",
    "Serious and respectful gentlemen only.",
    "Just arrived in {city}, come say hello.",
    "Text only, no private numbers please.",
    "Donations of {price} roses, half hour {half} roses.",
    "My pictures are 100 percent real and recent.",
    "Available tonight and all weekend long.",
    "Sweet smile and great conversation.",
    "Generous gentlemen welcome, be on time.",
    "I am {age} years young and new to the area.",
    "Reach me anytime at {phone}.",
    "Clean, classy and fun to be around.",
    "Out of town visitor, limited time in {city}.",
    "Please be patient if I do not answer right away.",
    "Mention this ad for a special rate.",
)
NET_CATEGORIES = ("personals", "companionship", "massage")

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
START = datetime(2026, 10, 1, tzinfo=UTC)
