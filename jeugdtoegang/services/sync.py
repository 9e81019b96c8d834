"""Use cases for sync: export and import bundles, peers, pending changes, conflicts.

Export and import are progress generators (``*_task``) for the GUI; ``export_bundle`` and
``import_bundle`` run them to the end for the CLI and tests. An import verifies the whole
bundle (format, key, signature, hashes, region, sequence continuity) before it opens a
write transaction; then all changes are applied in that one transaction.

The use cases live in ``sync_peers``, ``sync_export``, ``sync_import`` and
``sync_conflicts``; this module gathers them because the GUI, the CLI and many tests use
them as ``sync.…``.
"""

from __future__ import annotations

from jeugdtoegang.services.sync_conflicts import (
    ConflictView,
    get_conflict,
    list_conflicts,
    resolve_conflict,
)
from jeugdtoegang.services.sync_export import (
    FORMATS,
    ExportResult,
    export_bundle,
    export_bundle_task,
)
from jeugdtoegang.services.sync_import import (
    REFUSED,
    ImportResult,
    import_bundle,
    import_bundle_task,
    join_office,
)
from jeugdtoegang.services.sync_peers import PeerRow, list_peers, pending_changes

__all__ = [
    "FORMATS",
    "REFUSED",
    "ConflictView",
    "ExportResult",
    "ImportResult",
    "PeerRow",
    "export_bundle",
    "export_bundle_task",
    "get_conflict",
    "import_bundle",
    "import_bundle_task",
    "join_office",
    "list_conflicts",
    "list_peers",
    "pending_changes",
    "resolve_conflict",
]
