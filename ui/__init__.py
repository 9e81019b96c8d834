"""The PySide6 application: a thin shell over the core's services (``jeugdtoegang``)."""
