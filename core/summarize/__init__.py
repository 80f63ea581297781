"""Summaries: styles as templates, token budgeting, section-aware map/reduce, streamed events."""

from core.summarize.events import Finished, Stage, SummaryResult, Token
from core.summarize.pipeline import run, summarize
from core.summarize.templates import STYLES

__all__ = ["STYLES", "Finished", "Stage", "SummaryResult", "Token", "run", "summarize"]
