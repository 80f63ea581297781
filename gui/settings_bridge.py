"""The window's link to ``core.settings``: last style, model, engine, variant, font size, geometry.

Loading never fails: a corrupt file gives defaults and a warning (from ``core.settings``) that the
window shows once. Saving is atomic; a failed save is logged and does not interrupt the user.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget

from core import settings as core_settings
from core.errors import SettingsError
from gui.tasks import EngineRequest

log = logging.getLogger(__name__)

MIN_FONT, MAX_FONT = 6, 48


class SettingsBridge:
    """Holds the current :class:`core.settings.Settings` and writes changes through."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else None
        loaded = core_settings.load(self.path)
        self.settings = loaded.settings
        self.warning: SettingsError | None = None
        if loaded.warning:
            self.warning = SettingsError(loaded.warning, hint="Your other settings were kept; "
                                                               "check the style and model choices.")

    def update(self, **changes) -> None:
        """Change some settings and save them; an invalid value is logged and ignored."""
        try:
            new = dataclasses.replace(self.settings, **changes)
        except (TypeError, ValueError) as exc:
            log.warning("setting not changed: %s", exc)
            return
        if new == self.settings:
            return
        self.settings = new
        try:
            core_settings.save(new, self.path)
        except OSError as exc:
            log.warning("settings could not be saved (%s)", exc.strerror or type(exc).__name__)

    def engine_request(self) -> EngineRequest:
        """The engine the settings ask for; the variant only where that engine runs it."""
        from core.engines import engine_class
        from core.errors import EngineError

        s = self.settings
        variant = None
        if s.engine != "auto":
            try:
                variant = s.qtype if s.qtype in engine_class(s.engine).VARIANTS else None
            except EngineError:
                log.warning("unknown engine in settings; using auto")
                return EngineRequest("auto", s.model_id, None, s.adapter_id or "active")
        return EngineRequest(s.engine, s.model_id, variant, s.adapter_id or "active")

    def font_size(self, step: int = 0) -> int:
        """The font size after ``step`` points (clamped), saved."""
        size = max(MIN_FONT, min(MAX_FONT, self.settings.font_size + step))
        self.update(font_size=size)
        return size

    def restore_geometry(self, window: QWidget) -> bool:
        data = self.settings.window_geometry
        if not data:
            return False
        return bool(window.restoreGeometry(QByteArray(base64.b64decode(data))))

    def store_geometry(self, window: QWidget) -> None:
        raw = bytes(window.saveGeometry().data())
        self.update(window_geometry=base64.b64encode(raw).decode("ascii"))
