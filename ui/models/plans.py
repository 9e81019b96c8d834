"""Table models of the plan editor: the goals of a plan, and the saved versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.plans import Goal, GoalStatus
from jeugdtoegang.services.plans import PlanVersionRow

_Index = QModelIndex | QPersistentModelIndex

GOAL_COLUMNS = ("Nr", "Doel", "Leefgebied", "Voor wie", "Evaluatie", "Status", "Afspraken")
(
    GOAL_COL_NR,
    GOAL_COL_TEXT,
    GOAL_COL_DOMAIN,
    GOAL_COL_MEMBERS,
    GOAL_COL_EVALUATION,
    GOAL_COL_STATUS,
    GOAL_COL_ACTIONS,
) = range(7)
GOAL_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class GoalTableModel(QAbstractTableModel):
    """The goals of the plan being edited (frozen ``Goal`` values, replaced on edit)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._goals: list[Goal] = []
        self._names: Mapping[str, str] = {}

    def set_goals(self, goals: list[Goal] | tuple[Goal, ...], names: Mapping[str, str]) -> None:
        self.beginResetModel()
        self._goals = list(goals)
        self._names = names
        self.endResetModel()

    def goals(self) -> tuple[Goal, ...]:
        return tuple(self._goals)

    def goal(self, row: int) -> Goal | None:
        return self._goals[row] if 0 <= row < len(self._goals) else None

    def replace(self, row: int, goal: Goal) -> None:
        if self._goals[row] == goal:
            return
        self._goals[row] = goal
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(GOAL_COLUMNS) - 1))

    def append(self, goal: Goal) -> int:
        row = len(self._goals)
        self.beginInsertRows(QModelIndex(), row, row)
        self._goals.append(goal)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._goals[row]
        self.endRemoveRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._goals)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(GOAL_COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return GOAL_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        goal = self._goals[index.row()]
        if role == GOAL_ID_ROLE:
            return goal.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == GOAL_COL_TEXT:
            return goal.description
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == GOAL_COL_NR:
            return str(index.row() + 1)
        if column == GOAL_COL_TEXT:
            return goal.description or "(nieuw doel)"
        if column == GOAL_COL_DOMAIN:
            return goal.domain
        if column == GOAL_COL_MEMBERS:
            names = [self._names.get(m, "") for m in goal.member_ids]
            return ", ".join(n for n in names if n) or "gezin"
        if column == GOAL_COL_EVALUATION:
            return short_date(goal.evaluation_date)
        if column == GOAL_COL_STATUS:
            return GoalStatus(goal.status).label
        owners = sorted({a.owner_kind.label for a in goal.actions if a.owner_kind})
        return ", ".join(owners) or "nog niemand"


VERSION_COLUMNS = ("Versie", "Status", "Opgeslagen door", "Op", "Doelen")


class VersionTableModel(QAbstractTableModel):
    """Saved versions of a plan, newest first."""

    def __init__(self, rows: list[PlanVersionRow], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = rows

    def row(self, index: int) -> PlanVersionRow:
        return self._rows[index]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(VERSION_COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return VERSION_COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return f"{row.version_no}" + (" (huidig)" if row.is_current else "")
        if column == 1:
            return row.status.label
        if column == 2:
            return row.saved_by_name or row.saved_by
        if column == 3:
            return row.saved_at.astimezone().strftime("%d-%m-%Y %H:%M")
        return str(row.goal_count)
