"""Sync between workstations and the office: signed bundles of changes.

* :mod:`.bundle`: the file format (zip with manifest, JSON Lines, HMAC signature);
* :mod:`.keys`: the team key;
* :mod:`.export` / :mod:`.importer`: collecting and applying changes;
* :mod:`.resolve`: resolving conflicts;
* :mod:`.sqlite_export`: the analyst's SQLite copy.

Use cases (with audit and permissions) live in :mod:`jeugdtoegang.services.sync`.
"""

from jeugdtoegang.sync.errors import SyncError, SyncKeyError

__all__ = ["SyncError", "SyncKeyError"]
