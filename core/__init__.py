"""ChartBrief core: everything the app does, with no Qt.

The GUI (``gui/``) and the command line (``core.cli``) are two thin faces over this package.
"""

__version__ = "0.1.0"
