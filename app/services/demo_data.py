"""Build a large, varied demonstration database: the size of a real archive, for benchmarks and demos.

`generate(store, items=N, notes=M, sources=K, seed=0)` writes frameworks, items of every kind
with refs, titles, tags and parents, citations whose quote is exactly `text[start:end]` of long
generated source texts (code points, Persian texts included), dated status histories, targets
with observations, and relations. Everything goes through the real schema (foreign keys, search,
count and audit triggers) in batches (app/store/bulk.py). The same seed gives the same file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import uuid
from array import array
from typing import Callable

from ..core.model import ITEM_KINDS, RELATION_KINDS
from ..store import bulk
from ..store.store import Store

ProgressFn = Callable[[str, int, int], object]  # (stage, done, total)

# Planted words the benchmarks and tests look for: RARE_TERM sits in a handful of notes and
# items, COMMON_TERM in about a third of all notes and many items, PREFIX_TERM* in many.
RARE_TERM = "quillfeather"
COMMON_TERM = "budget"
PREFIX_TERM = "infra"
CONTEXT = 32
ITEMS_PER_BATCH = 2000
TODAY = dt.date(2026, 6, 30)  # fixed, so a seed always gives the same file (and no date is in the future)
HEAVY_NOTES = 1000
HEAVY_CITATIONS = 50

ACTORS = (
    "Ministry of Finance", "Ministry of Energy", "Ministry of Health", "Ministry of Education",
    "Ministry of Foreign Affairs", "Department of Transport", "Office of the Prime Minister", "Presidency",
    "Ministry of Agriculture", "Environmental Protection Agency", "Central Bank", "Ministry of Interior",
    "National Statistics Office", "Ministry of Labour", "Ministry of Digital Affairs", "Treasury",
    "Ministry of Housing", "Ministry of Water Resources", "Ministry of Trade and Industry", "European Commission",
    "African Union Commission", "ASEAN Secretariat", "UN Development Programme", "G20 Presidency",
    "Municipality of the Capital", "Ministry of Social Affairs", "National Planning Commission",
    "Ministère de l'Économie", "Secretaría de Energía", "وزارت نیرو", "سازمان برنامه و بودجه",
)
VERBS = (
    "Reduce", "Increase", "Expand", "Establish", "Launch", "Reform", "Modernise", "Strengthen", "Double",
    "Halve", "Phase out", "Introduce", "Complete", "Build", "Connect", "Digitise", "Train", "Protect",
    "Restore", "Fund", "Extend", "Simplify", "Upgrade", "Electrify", "Decentralise", "Publish", "Review",
)
OBJECTS = (
    "greenhouse gas emissions", "renewable electricity capacity", "rural broadband coverage",
    "primary school enrolment", "maternal mortality", "public debt", "youth unemployment",
    "coal-fired power plants", "electric vehicle charging points", "affordable housing units",
    "water treatment plants", "customs procedures", "the anti-corruption agency", "vaccination coverage",
    "forest cover", "infrastructure investment", "infrastructure maintenance", "public transport ridership",
    "tax collection", "the social protection floor", "small business lending", "irrigated farmland",
    "hospital beds", "teacher training colleges", "port capacity", "railway electrification",
    "digital identity enrolment", "the national budget framework", "budget transparency", "municipal budgets",
    "women's labour force participation", "plastic waste", "urban air quality", "flood defences",
    "export diversification", "the pension system", "road safety", "energy efficiency in buildings",
    "the informal economy", "e-government services", "infrared satellite monitoring", "groundwater use",
)
QUALIFIERS = (
    "by 2030", "by 2027", "by 2035", "in all provinces", "nationwide", "for low-income households",
    "within five years", "in the northern region", "with private partners", "through the annual budget",
    "in line with the Paris Agreement", "before the next election", "in coastal districts",
    "with donor support", "across all ministries", "in secondary cities", "under the medium-term plan",
)
TAGS = (
    "climate", "energy", "health", "education", "digital", "gender", "youth", "water", "agriculture",
    "trade", "debt", "tax", "transport", "housing", "security", "migration", "SDG-3", "SDG-4", "SDG-5",
    "SDG-6", "SDG-7", "SDG-8", "SDG-9", "SDG-11", "SDG-13", "SDG-16", "infrastructure", "governance",
    "anti-corruption", "social-protection", "urban", "rural", "finance", "jobs", "industry", "environment",
    "biodiversity", "oceans", "resilience", "disaster-risk", "procurement", "statistics", "budget",
    "pensions", "nutrition", "public-health", "regional", "multilateral", "G20", "EU", "AU", "ASEAN",
    "انرژی", "آب", "بودجه", "côte-d'ivoire", "são-tomé",
)
PLACES = ("the northern province", "the capital", "coastal districts", "the eastern corridor", "Bafatá",
          "Mérida", "Tabriz", "the river basin", "three pilot municipalities", "the border region",
          "Quảng Ninh", "Kraków", "Port Harcourt", "Kisumu")
AUTHORS = ("A. Rahimi", "J. Okafor", "M. Dubois", "S. Novak", "L. García", "K. Tanaka", "P. Mensah",
           "R. Kowalski", "N. Haddad", "E. Lindqvist", "س. احمدی", "Z. Öztürk", "")
UNITS = ("%", "MW", "km", "households", "USD million", "tonnes CO2e", "schools", "per 100,000", "hectares",
         "days", "connections")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
FRAMEWORK_NAMES = (
    "National Development Plan", "Climate Action Plan", "Energy Transition Strategy", "Health Sector Strategy",
    "Education Reform Agenda", "Digital Economy Blueprint", "Programme for Government", "Budget Speech",
    "Joint Communiqué", "Leaders' Declaration", "Medium-Term Fiscal Framework", "Water Security Plan",
    "Nationally Determined Contribution", "Recovery and Resilience Plan", "Coalition Agreement",
    "Agricultural Transformation Plan", "Urban Renewal Programme", "برنامه هفتم توسعه",
)
SOURCE_KINDS = ("speech", "statement", "plan", "communiqué", "law", "budget", "press_release", "report")

# Sentence pieces for source texts and notes (plain English, with some accented and Persian words).
SUBJECTS = ("The Government", "The Ministry", "Our administration", "The Council", "The Commission",
            "Each province", "The national utility", "The central bank", "Development partners", "The Cabinet",
            "Local authorities", "The Secretariat", "Parliament")
MODALS = ("will", "shall", "commits to", "intends to", "is determined to", "undertakes to", "aims to",
          "has agreed to", "proposes to", "will seek to")
LINKS = ("In this context,", "Moreover,", "At the same time,", "To this end,", "Building on past progress,",
         "As announced last year,", "Above all,", "In parallel,", "Consequently,", "For the first time,")
FILLERS = (
    "We recognise that progress has been uneven and that much remains to be done.",
    "This requires sustained investment and close cooperation with all stakeholders.",
    "Results will be reported to Parliament every year.",
    "The budget for this programme is set out in the annex.",
    "Implementation will be monitored by an independent committee.",
    "Citizens will be consulted at every stage of the process.",
    "These measures are consistent with our international commitments.",
    "Infrastructure remains the backbone of inclusive growth.",
    "The coming decade will be decisive for our economy and our environment.",
    "Partners from the private sector have already pledged their support.",
    "Le développement durable reste notre priorité commune.",
    "A detailed timetable will be published in the coming months.",
)
PROGRESS = ("is on track", "has stalled", "was delayed by procurement problems", "exceeded the interim milestone",
            "remains below the baseline", "is partly delivered", "was re-scoped", "has not started",
            "was completed ahead of schedule", "depends on the next budget cycle", "awaits parliamentary approval")
NOTE_TEMPLATES = (
    "{actor} reported that {obj} {progress}.",
    "Budget of {n} million allocated in the {year} appropriation act for {obj}.",
    "Field visit to {place} confirmed that {obj} {progress}.",
    "No public update since {month} {year}; follow-up with {actor} requested.",
    "Quarterly report: {obj} {progress}; see annex {n}.",
    "Minister's answer in Parliament on {month} {day}: {obj} {progress}.",
    "Press release from {actor}: {obj} {progress}.",
    "Civil society monitor rates {obj} as {status_word}.",
    "Audit office finds the budget line for {obj} underspent by {n}%.",
    "Donor review notes that infrastructure works in {place} {progress}.",
    "Statistics office data for {year} show {obj} {progress}.",
)
STATUS_WORDS = ("satisfactory", "at risk", "off track", "delivered", "unclear", "promising")
FA_WORDS = ("دولت", "برنامه", "توسعه", "انرژی", "تجدیدپذیر", "کاهش", "افزایش", "سرمایه‌گذاری", "زیرساخت",
            "آموزش", "سلامت", "آب", "کشاورزی", "بودجه", "سال", "۱۴۰۹", "٢٠٣٠", "استان", "شهر", "مردم",
            "اشتغال", "جوانان", "پایدار", "محیط", "زیست", "ملی", "منطقه‌ای", "همکاری", "بين‌المللی", "كشور")

# Status histories move through the vocabulary the way real commitments do.
_NEXT = {
    "proposed": ("proposed", "proposed", "not_started", "in_progress", "abandoned", "unknown"),
    "not_started": ("not_started", "not_started", "in_progress", "in_progress", "stalled", "abandoned"),
    "in_progress": ("in_progress", "in_progress", "in_progress", "partially_achieved", "stalled", "achieved"),
    "partially_achieved": ("partially_achieved", "partially_achieved", "in_progress", "achieved", "stalled"),
    "achieved": ("achieved", "achieved", "achieved", "partially_achieved"),
    "stalled": ("stalled", "stalled", "in_progress", "abandoned", "unknown"),
    "abandoned": ("abandoned", "abandoned", "abandoned", "proposed"),
    "unknown": ("unknown", "in_progress", "not_started", "stalled"),
}


class _Ids:
    """Deterministic UUIDs from the seeded generator (same seed, same ids)."""

    def __init__(self, rng: random.Random):
        self._bits = rng.getrandbits

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._bits(128), version=4))


def _stamp(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()}T{rng.randrange(7, 19):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.000Z"


class _SourceText:
    """A generated source text and the code-point spans of its sentences."""

    __slots__ = ("id", "text", "spans")

    def __init__(self, sid: str, text: str, spans: array):
        self.id, self.text, self.spans = sid, text, spans


def _english_text(rng: random.Random, words: int) -> tuple[str, array]:
    parts: list[str] = []
    spans = array("l")
    pos = n = 0
    para = 0
    choice, random_ = rng.choice, rng.random
    while n < words:
        r = random_()
        if r < 0.55:
            s = f"{choice(SUBJECTS)} {choice(MODALS)} {choice(VERBS).lower()} {choice(OBJECTS)} {choice(QUALIFIERS)}."
        elif r < 0.75:
            s = (f"{choice(LINKS)} {choice(SUBJECTS).lower()} {choice(MODALS)} "
                 f"{choice(VERBS).lower()} {choice(OBJECTS)}.")
        elif r < 0.9:
            s = choice(FILLERS)
        else:
            s = (f"{choice(OBJECTS).capitalize()} {choice(PROGRESS)}, and the {COMMON_TERM} for {choice(OBJECTS)} "
                 f"will rise by {rng.randrange(2, 60)} per cent in {choice(PLACES)}.")
        sep = "\n\n" if para >= 6 and random_() < 0.3 else " "
        if parts:
            parts.append(sep)
            pos += len(sep)
            para = 0 if sep != " " else para + 1
        spans.append(pos)
        spans.append(pos + len(s))
        parts.append(s)
        pos += len(s)
        n += s.count(" ") + 1
    return "".join(parts), spans


def _persian_text(rng: random.Random, words: int) -> tuple[str, array]:
    parts: list[str] = []
    spans = array("l")
    pos = n = 0
    while n < words:
        k = rng.randrange(6, 16)
        s = " ".join(rng.choice(FA_WORDS) for _ in range(k)) + "."
        if parts:
            parts.append(" ")
            pos += 1
        spans.append(pos)
        spans.append(pos + len(s))
        parts.append(s)
        pos += len(s)
        n += k
    return "".join(parts), spans


def _source_words(rng: random.Random) -> int:
    """A few thousand to tens of thousands of words (log-uniform, 2,000-30,000)."""
    return int(math.exp(rng.uniform(math.log(2000), math.log(30000))))


def _split_counts(rng: random.Random, total: int, n: int) -> list[int]:
    """Split total into n skewed non-negative counts that add up exactly."""
    if n <= 0:
        return []
    weights = [rng.expovariate(1.0) ** 1.6 for _ in range(n)]
    scale = total / (sum(weights) or 1.0)
    counts = [int(w * scale) for w in weights]
    short = total - sum(counts)
    for _ in range(short):
        counts[rng.randrange(n)] += 1
    return counts


def _history(rng: random.Random, k: int, ids: _Ids, item_id: str, first: dt.date,
             stats: dict) -> tuple[list[tuple], str]:
    """k dated status updates for one item (oldest first) and the status they end on."""
    status = rng.choice(("proposed", "not_started", "in_progress", "unknown"))
    if k == 0:
        return [], status
    span = max(1, (TODAY - first).days)
    offsets = sorted(rng.randrange(span) for _ in range(k))
    rows = []
    choice = rng.choice
    for n, off in enumerate(offsets):
        status = choice(_NEXT[status])
        day = first + dt.timedelta(days=off)
        t = choice(NOTE_TEMPLATES)
        note = t.format(actor=choice(ACTORS), obj=choice(OBJECTS), progress=choice(PROGRESS), n=rng.randrange(1, 900),
                        year=day.year, month=MONTHS[day.month - 1], day=day.day, place=choice(PLACES),
                        status_word=choice(STATUS_WORDS))
        if "budget" not in note and rng.random() < 0.25:
            note += f" The {COMMON_TERM} line is unchanged."
        if stats["rare_notes"] < stats["rare_notes_max"] and rng.random() < stats["rare_p"]:
            note += f" Code name {RARE_TERM}."
            stats["rare_notes"] += 1
        secs = 8 * 3600 + n * 17  # later notes of one day were written later: the latest one decides the status
        stamp = f"{day.isoformat()}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}.000Z"
        rows.append((ids(), item_id, status, day.isoformat(), note, choice(AUTHORS), stamp))
    return rows, status


def generate(store: Store, items: int = 1000, notes: int = 10_000, sources: int = 20, seed: int = 0,
             progress: ProgressFn | None = None) -> dict[str, int]:
    """Fill an empty store with a large realistic data set; return the rows written per table."""
    if items < 1 or notes < 0 or sources < 1:
        raise ValueError("demo data needs at least one item and one source")
    rng = random.Random(seed)
    ids = _Ids(rng)
    written = {t: 0 for t in bulk.INSERT_ORDER}

    def tell(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    def put(batch: dict[str, list[tuple]]) -> None:
        for t, n in bulk.write_batch(store, batch).items():
            written[t] += n

    with bulk.fast_session(store):
        # -- sources: long texts, each with its sentence spans kept for citing ----------------------
        texts: list[_SourceText] = []
        batch: list[tuple] = []
        batch_chars = 0
        for k in range(sources):
            persian = rng.random() < 0.04
            words = _source_words(rng)
            text, spans = (_persian_text if persian else _english_text)(rng, words)
            sid = ids()
            published = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange((TODAY - dt.date(2012, 1, 1)).days))
            kind = rng.choice(SOURCE_KINDS)
            actor = rng.choice(ACTORS)
            title = (f"{rng.choice(FRAMEWORK_NAMES)}: {kind.replace('_', ' ')} of {MONTHS[published.month - 1]} "
                     f"{published.year} ({k + 1})")
            batch.append((sid, title, kind, actor, rng.choice(AUTHORS) or None, None, published.isoformat(),
                          f"https://example.org/docs/{sid}", "fa" if persian else "en",
                          hashlib.sha256(text.encode("utf-8")).hexdigest(), text, _stamp(published, rng)))
            texts.append(_SourceText(sid, text, spans))
            batch_chars += len(text)
            if batch_chars > 8_000_000 or k == sources - 1:
                put({"sources": batch})
                batch, batch_chars = [], 0
                tell("sources", k + 1, sources)

        # -- frameworks, each drawing on a few sources ---------------------------------------------------
        n_fw = max(1, items // 200)
        frameworks = []
        fw_rows = []
        for k in range(n_fw):
            fid = ids()
            year = rng.randrange(2012, 2027)
            title = f"{rng.choice(FRAMEWORK_NAMES)} {year}-{year + rng.choice((3, 5, 10))} ({k + 1})"
            day = dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
            fw_rows.append((fid, title, rng.choice(ACTORS), f"Commitments stated in the {title}.",
                            _stamp(min(day, TODAY), rng), _stamp(TODAY, rng)))
            frameworks.append((fid, rng.sample(range(sources), min(sources, rng.randrange(1, 4)))))
        put({"frameworks": fw_rows})

        # -- items with their citations, histories, targets and observations -----------------------------
        fw_of_item = [rng.randrange(n_fw) for _ in range(items)]
        fw_of_item.sort()  # items of one framework together, numbered in order
        heavy = 0  # the first item: 1,000 updates and 50 citations (the "open an item" benchmark)
        heavy_notes = min(HEAVY_NOTES, notes)
        counts = ([notes] if items == 1 else [heavy_notes] + _split_counts(rng, notes - heavy_notes, items - 1))
        stats = {"rare_notes": 0, "rare_notes_max": max(3, min(40, notes // 25_000 + 3)),
                 "rare_p": min(1.0, 60 / max(1, notes))}
        rare_items = set(rng.sample(range(items), min(items, max(2, items // 20_000 + 2))))
        all_item_ids: list[str] = []
        item_fw_index: list[int] = []
        counters: dict[int, list[int]] = {}
        last_top: dict[int, list] = {}
        batch_rows: dict[str, list[tuple]] = {t: [] for t in ("items", "citations", "status_updates", "targets",
                                                             "observations")}
        for i in range(items):
            f = fw_of_item[i]
            fid, fw_sources = frameworks[f]
            iid = ids()
            sec, num = counters.setdefault(f, [1, 0])
            if num >= rng.randrange(6, 14):
                counters[f] = [sec + 1, 0]
                sec, num = sec + 1, 0
            parent = None
            if f in last_top and rng.random() < 0.25:
                top = last_top[f]  # a child of the last numbered item: 3.4 -> 3.4.1, 3.4.2
                top[2] += 1
                ref = f"{top[1]}.{top[2]}"
                parent = top[0]
            else:
                num += 1
                counters[f][1] = num
                ref = f"{sec}.{num}"
                last_top[f] = [iid, ref, 0]
            kind = rng.choices(ITEM_KINDS, weights=(20, 18, 14, 12, 26, 10))[0]
            obj = rng.choice(OBJECTS)
            title = f"{rng.choice(VERBS)} {obj} {rng.choice(QUALIFIERS)}"
            if i in rare_items:
                title += f" ({RARE_TERM} initiative)"
            desc = (f"{rng.choice(SUBJECTS)} {rng.choice(MODALS)} {rng.choice(VERBS).lower()} {obj}. "
                    f"{rng.choice(FILLERS)}")
            tags = rng.sample(TAGS, rng.randrange(0, 5))
            created = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(3000))
            due = None if rng.random() < 0.15 else (created + dt.timedelta(days=rng.randrange(180, 4000))).isoformat()
            ups, status = _history(rng, counts[i], ids, iid, created, stats)
            batch_rows["items"].append((
                iid, fid, parent, ref, kind, title, desc, rng.choice(ACTORS), status, due,
                json.dumps(tags, ensure_ascii=False), _stamp(created, rng),
                ups[-1][6] if ups else _stamp(created, rng)))
            batch_rows["status_updates"] += ups
            # citations: exact sentences (sometimes two) of the framework's sources
            n_cit = HEAVY_CITATIONS if i == heavy else rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
            cit_ids = []
            for _ in range(n_cit):
                src = texts[rng.choice(fw_sources)]
                n_sent = len(src.spans) // 2
                j = rng.randrange(n_sent)
                j2 = min(n_sent - 1, j + (1 if rng.random() < 0.2 else 0))
                start, end = src.spans[2 * j], src.spans[2 * j2 + 1]
                quote = src.text[start:end]
                cid = ids()
                cit_ids.append(cid)
                batch_rows["citations"].append((
                    cid, iid, src.id, start, end, quote, src.text[max(0, start - CONTEXT):start],
                    src.text[end:end + CONTEXT], _stamp(created, rng)))
            if kind in ("target", "indicator"):
                direction = rng.choices(("increase", "decrease", "maintain"), weights=(6, 3, 1))[0]
                base = round(rng.uniform(1, 1000), 1)
                goal = round(base * (rng.uniform(1.1, 3) if direction == "increase" else
                                     rng.uniform(0.2, 0.9) if direction == "decrease" else 1.0), 1)
                base_on = created.isoformat()
                batch_rows["targets"].append((iid, rng.choice(UNITS), base, base_on, goal, due, direction))
                value = base
                for k in range(rng.randrange(0, 9)):
                    day = created + dt.timedelta(days=120 * (k + 1))
                    if day > TODAY:
                        break
                    value = round(value + (goal - base) * rng.uniform(-0.05, 0.25), 1)
                    batch_rows["observations"].append((
                        ids(), iid, value, day.isoformat(), rng.choice(("", "Official statistics.", "Estimate.")),
                        rng.choice(cit_ids) if cit_ids and rng.random() < 0.3 else None, _stamp(day, rng)))
            all_item_ids.append(iid)
            item_fw_index.append(f)
            if (i + 1) % ITEMS_PER_BATCH == 0 or i == items - 1:
                put(batch_rows)
                batch_rows = {t: [] for t in batch_rows}
                tell("items", i + 1, items)

        # -- relations: mostly within a framework's neighbourhood, some across -----------------------------
        n_rel = items // 8 if items > 1 else 0
        seen: set[tuple[str, str, str]] = set()
        rel_rows: list[tuple] = []
        attempts = 0
        while len(rel_rows) < n_rel and attempts < n_rel * 4:
            attempts += 1
            a = rng.randrange(items)
            b = min(items - 1, max(0, a + rng.randrange(-300, 300))) if rng.random() < 0.7 else rng.randrange(items)
            if a == b:
                continue
            key = (all_item_ids[a], all_item_ids[b], rng.choice(RELATION_KINDS))
            if key in seen:
                continue
            seen.add(key)
            rel_rows.append((ids(), *key, rng.choice(("", "Same wording in both texts.", "Funding overlaps.")),
                             _stamp(TODAY, rng)))
        for k in range(0, len(rel_rows), 20_000):
            put({"relations": rel_rows[k:k + 20_000]})
        tell("relations", len(rel_rows), n_rel)

        bulk.set_meta_many(store, {
            "demo.params": json.dumps({"items": items, "notes": notes, "sources": sources, "seed": seed}),
            "demo.heavy_item_id": all_item_ids[heavy],
            "demo.rare_term": RARE_TERM, "demo.common_term": COMMON_TERM, "demo.prefix_term": PREFIX_TERM,
        })
        tell("finishing", 0, 1)
        bulk.finish_build(store)
        tell("finishing", 1, 1)
    return written
