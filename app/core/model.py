"""The vocabulary of tracked items: kinds, statuses, relation kinds, and the errors we raise."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

ITEM_KINDS = ("goal", "target", "proposal", "priority", "commitment", "indicator")
STATUS_KEYS = (
    "proposed", "not_started", "in_progress", "partially_achieved",
    "achieved", "stalled", "abandoned", "unknown",
)
RELATION_KINDS = ("same_as", "aligns_with", "supports", "conflicts_with", "supersedes")
DIRECTIONS = ("increase", "decrease", "maintain")
# how a citation sits in its source's newest edition (issue 15): placed, or waiting for a person
ANCHOR_STATES = ("exact", "moved", "reworded", "review", "not_found", "gone")  # gone: a person said so
TO_CHECK = ("review", "not_found")

# The built-in vocabulary exactly as migration 0001 creates it, {key: (label, description)}: an
# import may repeat these definitions but never change them (tests check they match the migration).
BUILT_IN = {
    "statuses": {
        "proposed": ("Proposed", "Stated or proposed; no decision to act on it yet."),
        "not_started": ("Not started", "Adopted or committed to, but no sign of work yet."),
        "in_progress": ("In progress", "Work has visibly begun."),
        "partially_achieved": ("Partially achieved", "Some of what was stated has been delivered."),
        "achieved": ("Achieved", "Delivered as stated."),
        "stalled": ("Stalled", "Work began but has stopped or shows no movement."),
        "abandoned": ("Abandoned", "Dropped, withdrawn or superseded without delivery."),
        "unknown": ("Unknown", "Not enough evidence to judge."),
    },
    "item_kinds": {
        "goal": ("Goal", "A stated aim, broader than a single deliverable."),
        "target": ("Target", "A goal with a measurable value and date."),
        "proposal": ("Proposal", "Something proposed to others, not yet agreed."),
        "priority": ("Priority", "A declared priority of a body or statement."),
        "commitment": ("Commitment", "Something an actor has said it will do."),
        "indicator": ("Indicator", "A quantity the texts report, tracked over time."),
    },
    "relation_kinds": {
        "same_as": ("Same as", "Both items state the same thing."),
        "aligns_with": ("Aligns with", "The items point in the same direction."),
        "supports": ("Supports", "Progress on this item advances the other."),
        "conflicts_with": ("Conflicts with", "The items pull against each other."),
        "supersedes": ("Supersedes", "This item replaces the other."),
    },
}

# Namespace for ids derived from stable names (the bundled seeds), so that every fresh
# database built from the seeds gives the same items the same ids and files merge cleanly.
SEED_NAMESPACE = uuid.UUID("6f1d7c4e-3a52-4e0b-9a57-0c8f3e2d1b90")


def new_id() -> str:
    return str(uuid.uuid4())


def seed_id(name: str) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, name))


class PolicyTrackerError(Exception):
    """An error a person can act on: its message is one clear sentence."""


class ValidationError(PolicyTrackerError):
    """Input that breaks a rule; `field` names the field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFoundError(PolicyTrackerError):
    pass


class Cancelled(Exception):
    """The person cancelled a long step (an import being prepared); nothing was written.

    Not a PolicyTrackerError: it is no mistake to report, and the window tells it apart."""

    def __init__(self, message: str = "Cancelled; nothing was changed."):
        super().__init__(message)


class ConflictError(PolicyTrackerError):
    """Someone else changed the record since it was read; `current` holds their version."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Changes:
    """What one service call changed, so views refresh only that (after Anki's OpChanges)."""

    items: frozenset[str] = frozenset()
    frameworks: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    structure: bool = False  # items added/removed or moved between frameworks
    messages: tuple[str, ...] = field(default=())

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(
            self.items | other.items, self.frameworks | other.frameworks,
            self.sources | other.sources, self.structure or other.structure,
            self.messages + other.messages,
        )
