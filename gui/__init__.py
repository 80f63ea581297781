"""ChartBrief's PySide6 window: a thin face over ``core``."""
