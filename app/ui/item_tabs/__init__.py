"""The item panel's tabs, one module each: status history, sources, target (with its chart), related items."""
from .base import ItemTab
from .related import RelatedTab
from .sources import SourcesTab
from .status import StatusTab
from .target import TargetTab

__all__ = ["ItemTab", "RelatedTab", "SourcesTab", "StatusTab", "TargetTab"]
