"""The PySide6 application: a thin shell over the core's services (``jeugdtoegang``)."""

from ui import pyside_refs

pyside_refs.install()  # before any widget is made (see the module)
