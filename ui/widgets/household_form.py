"""Register or edit a household and its members, with inline validation as you type.

The form keeps a draft of every member; each change runs the domain checks
(``validate_household``) at once and shows the messages next to the fields the user has
touched (after a save attempt: next to every field). The service checks again on save
(and adds what needs the database, e.g. a BSN that belongs to another dossier).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidgetItem

from jeugdtoegang.domain.bsn import mask_bsn, normalise_bsn
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.households import HouseholdInput, PersonRole, validate_household
from jeugdtoegang.domain.terms import age_on
from jeugdtoegang.errors import JeugdtoegangError, StaleRecordError, ValidationError
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services import persons as person_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail
from ui.widgets.household_form_layout import ERROR_COLOUR, MEMBER_HEADERS, HouseholdFormLayout
from ui.widgets.member_draft import MemberDraft

REVEAL_PURPOSE = "BSN controleren bij bewerken gezinsgegevens"
NO_WIJK = "— geen wijk —"

_HOUSEHOLD_FIELDS = ("name", "gemeente", "wijk", "street", "house_number", "postcode", "city")
_MEMBER_FIELDS = ("first_name", "tussenvoegsel", "surname", "birth_date", "bsn", "has_gezag")
_MEMBER_PATH = re.compile(r"^members\[(\d+)\]\.(\w+)$")


class HouseholdForm(HouseholdFormLayout):
    """The household and its members; ``saved(HouseholdDetail)`` after a successful save."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, shell: Any, detail: HouseholdDetail | None = None) -> None:
        super().__init__(ctx)  # the widgets (HouseholdFormLayout)
        self.shell = shell
        self.setObjectName("household_form")
        self.detail: HouseholdDetail | None = None
        self.members: list[MemberDraft] = []
        self.errors: dict[str, str] = {}
        self._server_errors: dict[str, str] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._loading = False
        self._dirty = False
        self._current = -1
        self._connect()
        self.load(detail)

    def _connect(self) -> None:
        self.name_field.textEdited.connect(lambda _t: self._household_edited("name"))
        self.street_field.textEdited.connect(lambda _t: self._household_edited("street"))
        self.house_number_field.textEdited.connect(
            lambda _t: self._household_edited("house_number")
        )
        self.postcode_field.textEdited.connect(lambda _t: self._household_edited("postcode"))
        self.city_field.textEdited.connect(lambda _t: self._household_edited("city"))
        self.notes_field.textChanged.connect(lambda: self._household_edited("notes"))
        self.gemeente_combo.currentIndexChanged.connect(self._gemeente_changed)
        self.wijk_combo.currentIndexChanged.connect(lambda _i: self._household_edited("wijk"))
        member_edits = (
            (self.first_name_field, "first_name"),
            (self.tussenvoegsel_field, "tussenvoegsel"),
            (self.surname_field, "surname"),
            (self.birth_date_field, "birth_date"),
            (self.bsn_field, "bsn"),
            (self.relation_field, "relation"),
            (self.phone_field, "phone"),
            (self.email_field, "email"),
        )
        for edit, name in member_edits:
            edit.textEdited.connect(lambda _t, n=name: self._member_edited(n))
        self.role_combo.currentIndexChanged.connect(lambda _i: self._member_edited("role"))
        self.has_gezag_field.toggled.connect(lambda _b: self._member_edited("has_gezag"))
        self.members_table.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._select_member(row)
        )
        self.add_member_button.clicked.connect(self.add_member)
        self.remove_member_button.clicked.connect(self.remove_current_member)
        self.reveal_bsn_button.clicked.connect(self.reveal_bsn)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)

    # -- loading ----------------------------------------------------------------------------

    def load(self, detail: HouseholdDetail | None) -> None:
        """Show a stored household (or an empty form); forgets unsaved changes."""
        self._loading = True
        self.detail = detail
        self._touched = set()
        self._server_errors = {}
        self._show_all = False
        if detail is None:
            self.name_field.setText("")
            self.gemeente_combo.setCurrentIndex(0)
            self._fill_wijken(None)
            for edit in (self.street_field, self.house_number_field, self.postcode_field):
                edit.setText("")
            self.city_field.setText("")
            self.notes_field.setPlainText("")
            self.members = []
        else:
            self.name_field.setText(detail.name)
            self.gemeente_combo.setCurrentText(detail.gemeente)
            self._fill_wijken(detail.wijk)
            self.street_field.setText(detail.street)
            self.house_number_field.setText(detail.house_number)
            self.postcode_field.setText(detail.postcode)
            self.city_field.setText(detail.city)
            self.notes_field.setPlainText(detail.notes or "")
            self.members = [
                MemberDraft(
                    role=PersonRole(m.role),
                    first_name=m.first_name,
                    tussenvoegsel=m.tussenvoegsel,
                    surname=m.surname,
                    birth_text=short_date(m.birth_date),
                    bsn=m.bsn or "",
                    has_gezag=m.has_gezag,
                    relation=m.relation,
                    phone=m.phone,
                    email=m.email,
                    id=m.id,
                    version=m.version,
                    bsn_hidden=bool(m.bsn),
                )
                for m in detail.members
            ]
        self._loading = False
        self._dirty = False
        self.summary_label.setText("")
        self.summary_label.setStyleSheet("")
        self.revert_button.setEnabled(False)
        self._current = -1
        self._rebuild_members_table(select=0 if self.members else -1)
        self._revalidate()

    def _fill_wijken(self, wijk: str | None) -> None:
        was_loading, self._loading = self._loading, True
        self.wijk_combo.clear()
        self.wijk_combo.addItem(NO_WIJK, None)
        municipality = self.ctx.profile.municipality(self.gemeente_combo.currentText())
        for name in municipality.wijken if municipality else ():
            self.wijk_combo.addItem(name, name)
        index = self.wijk_combo.findData(wijk) if wijk else 0
        self.wijk_combo.setCurrentIndex(max(index, 0))
        self._loading = was_loading

    def focus_first_field(self) -> None:
        self.name_field.setFocus()

    # -- editing ----------------------------------------------------------------------------

    def _mark_dirty(self) -> None:
        self._dirty = True
        self.revert_button.setEnabled(True)

    def _household_edited(self, name: str) -> None:
        if self._loading:
            return
        self._touched.add(name)
        self._server_errors.pop(name, None)
        self._mark_dirty()
        self._revalidate()

    def _gemeente_changed(self, _index: int) -> None:
        if self._loading:
            return
        self._fill_wijken(self.wijk_combo.currentData())
        self._household_edited("gemeente")

    def _member_edited(self, name: str) -> None:
        if self._loading or not 0 <= self._current < len(self.members):
            return
        member = self.members[self._current]
        if name == "role":
            member.role = PersonRole(self.role_combo.currentData())
        elif name == "has_gezag":
            member.has_gezag = self.has_gezag_field.isChecked()
        elif name == "birth_date":
            member.birth_text = self.birth_date_field.text()
        elif name == "bsn":
            if member.bsn_hidden:
                return
            member.bsn = self.bsn_field.text()
        else:
            setattr(member, name, getattr(self, f"{name}_field").text())
        member.touched.add(name)
        self._server_errors.pop(f"members[{self._current}].{name}", None)
        self._mark_dirty()
        self._update_member_row(self._current)
        self._revalidate()

    def add_member(self) -> None:
        role = PersonRole.JEUGDIGE
        if self.members and not any(m.role is PersonRole.OUDER for m in self.members):
            role = PersonRole.OUDER
        surname = self.members[0].surname if self.members else ""
        tussen = self.members[0].tussenvoegsel if self.members else ""
        self.members.append(MemberDraft(role=role, surname=surname, tussenvoegsel=tussen))
        self._touched.add("members")
        self._mark_dirty()
        self._rebuild_members_table(select=len(self.members) - 1)
        self._revalidate()
        self.first_name_field.setFocus()

    def remove_current_member(self) -> None:
        if not 0 <= self._current < len(self.members):
            return
        del self.members[self._current]
        self._touched.add("members")
        self._server_errors = {}
        self._mark_dirty()
        self._rebuild_members_table(select=min(self._current, len(self.members) - 1))
        self._revalidate()

    def reveal_bsn(self) -> None:
        """Show the full BSN of the current member (the reveal is logged by the service)."""
        if not 0 <= self._current < len(self.members):
            return
        member = self.members[self._current]
        if member.id is None or not member.bsn_hidden:
            return
        try:
            bsn = person_service.reveal_bsn(self.ctx, member.id, REVEAL_PURPOSE)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
            return
        member.bsn = bsn or ""
        member.bsn_hidden = False
        self._show_member(self._current)

    # -- members table and editor -----------------------------------------------------------

    def _rebuild_members_table(self, select: int) -> None:
        table = self.members_table
        table.blockSignals(True)
        table.setRowCount(len(self.members))
        for row in range(len(self.members)):
            self._update_member_row(row)
        table.blockSignals(False)
        self._select_member(select)
        if 0 <= select < len(self.members):
            table.selectRow(select)

    def _update_member_row(self, row: int) -> None:
        member = self.members[row]
        birth = member.birth_date()
        age = age_on(birth, self.ctx.today()) if birth else None
        bsn = normalise_bsn(member.bsn) if member.bsn.strip() else ""
        cells = (
            member.role.label,
            member.name or "(nog geen naam)",
            member.birth_text,
            f"{age} jaar" if age is not None and age >= 0 else "",
            mask_bsn(bsn),
            "ja" if member.has_gezag else "",
            "",
        )
        for column, text in enumerate(cells):
            item = self.members_table.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                self.members_table.setItem(row, column, item)
            item.setText(text)

    def _select_member(self, row: int) -> None:
        if row == self._current and row >= 0:
            return
        self._current = row if 0 <= row < len(self.members) else -1
        self._show_member(self._current)

    def _show_member(self, row: int) -> None:
        self._loading = True
        enabled = 0 <= row < len(self.members)
        self.member_box.setEnabled(enabled)
        self.remove_member_button.setEnabled(enabled)
        member = self.members[row] if enabled else MemberDraft()
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(member.role.value), 0))
        self.first_name_field.setText(member.first_name)
        self.tussenvoegsel_field.setText(member.tussenvoegsel)
        self.surname_field.setText(member.surname)
        self.birth_date_field.setText(member.birth_text)
        if member.bsn_hidden:
            self.bsn_field.setText(mask_bsn(normalise_bsn(member.bsn)))
        else:
            self.bsn_field.setText(member.bsn)
        self.bsn_field.setReadOnly(member.bsn_hidden)
        self.reveal_bsn_button.setVisible(member.bsn_hidden)
        self.has_gezag_field.setChecked(member.has_gezag)
        self.relation_field.setText(member.relation)
        self.phone_field.setText(member.phone)
        self.email_field.setText(member.email)
        self._loading = False
        self._show_errors()

    # -- validation -------------------------------------------------------------------------

    def household_input(self) -> HouseholdInput:
        """The form's contents as the core's input."""
        return HouseholdInput(
            name=self.name_field.text(),
            gemeente=self.gemeente_combo.currentText(),
            street=self.street_field.text(),
            house_number=self.house_number_field.text(),
            postcode=self.postcode_field.text(),
            city=self.city_field.text(),
            wijk=self.wijk_combo.currentData() or None,
            notes=self.notes_field.toPlainText().strip() or None,
            members=tuple(m.to_input() for m in self.members),
        )

    def _revalidate(self) -> None:
        data = self.household_input()
        errors: dict[str, str] = {}
        for index, member in enumerate(self.members):
            message = member.birth_text_error()
            if message:
                errors[f"members[{index}].birth_date"] = message
        for problem in validate_household(
            data, self.ctx.today(), list(self.ctx.profile.municipality_names)
        ):
            errors.setdefault(problem.field, problem.message)
        for key, message in self._server_errors.items():
            errors.setdefault(key, message)
        self.errors = errors
        self._show_errors()

    def _visible(self, key: str) -> bool:
        if self._show_all or key in self._server_errors:
            return True
        match = _MEMBER_PATH.match(key)
        if match:
            index, name = int(match.group(1)), match.group(2)
            return name in self.members[index].touched
        return key in self._touched

    def _show_errors(self) -> None:
        for name in (*_HOUSEHOLD_FIELDS, "members"):
            if name in self.error_labels:
                message = self.errors.get(name) if self._visible(name) else None
                self._set_error(name, message)
        for name in _MEMBER_FIELDS:
            if name not in self.error_labels:
                continue
            key = f"members[{self._current}].{name}"
            message = self.errors.get(key) if self._current >= 0 and self._visible(key) else None
            self._set_error(name, message)
        for row in range(self.members_table.rowCount()):
            problems = [
                m
                for k, m in self.errors.items()
                if k.startswith(f"members[{row}].") and self._visible(k)
            ]
            item = self.members_table.item(row, len(MEMBER_HEADERS) - 1)
            if item is not None:
                item.setText("nog niet compleet" if problems else "")
                item.setToolTip("\n".join(problems))
                item.setForeground(QBrush(QColor(ERROR_COLOUR)))

    def _set_error(self, name: str, message: str | None) -> None:
        label = self.error_labels[name]
        label.setText(message or "")
        label.setVisible(bool(message))

    def visible_errors(self) -> dict[str, str]:
        """The messages currently shown (field → message), for tests and the summary."""
        return {k: m for k, m in self.errors.items() if self._visible(k)}

    # -- saving -----------------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def revert(self) -> None:
        if self.detail is not None:
            self.load(self.detail)
        else:
            self.load(None)

    def _first_member_with_errors(self) -> int | None:
        for key in self.errors:
            match = _MEMBER_PATH.match(key)
            if match:
                return int(match.group(1))
        return None

    def save(self) -> bool:
        """Check and save; on failure everything typed stays in the form."""
        self._show_all = True
        self._revalidate()
        if self.errors:
            self._point_at_errors("Nog niet opgeslagen: verbeter de rood gemarkeerde velden.")
            return False
        data = self.household_input()
        try:
            if self.detail is None:
                detail = household_service.register_household(self.ctx, data)
            else:
                detail = household_service.update_household(
                    self.ctx, self.detail.id, self.detail.version, data
                )
        except ValidationError as error:
            self._server_errors = {e.field: e.message for e in error.errors}
            self._revalidate()
            self._point_at_errors("Nog niet opgeslagen: verbeter de rood gemarkeerde velden.")
            return False
        except StaleRecordError as error:
            self.summary_label.setText(
                "Niet opgeslagen: het dossier is intussen door een ander gewijzigd. "
                "Uw invoer staat nog in dit formulier."
            )
            self.shell.show_error(error.message)
            return False
        except JeugdtoegangError as error:
            self.summary_label.setText("Niet opgeslagen. Uw invoer staat nog in dit formulier.")
            self.shell.show_error(error.message)
            return False
        self.load(detail)
        self.summary_label.setText("Opgeslagen.")
        self.shell.status(f"Dossier {detail.dossier_number} is opgeslagen.")
        self.saved.emit(detail)
        return True

    def _point_at_errors(self, summary: str) -> None:
        self.summary_label.setText(summary)
        self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        row = self._first_member_with_errors()
        current_has = any(k.startswith(f"members[{self._current}].") for k in self.errors)
        if row is not None and not current_has:
            self.members_table.selectRow(row)
            self._select_member(row)
