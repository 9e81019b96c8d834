"""Every modal dialog goes through this module, so tests can replace just these functions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


def show_error(parent: QWidget | None, message: str, title: str = "Dat lukte niet") -> None:
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, message: str, title: str = "Jeugdtoegang") -> None:
    QMessageBox.information(parent, title, message)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask yes or no; Enter and Escape answer "Nee" (the safe choice is the default)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("confirm_box")
    yes = box.addButton("Ja", QMessageBox.ButtonRole.YesRole)
    no = box.addButton("Nee", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def choose_open_file(parent: QWidget | None, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(name) if name else None


def choose_save_file(
    parent: QWidget | None, title: str, default_name: str, file_filter: str
) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, default_name, file_filter)
    return Path(name) if name else None


def choose_directory(parent: QWidget | None, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title)
    return Path(name) if name else None


def ask_text(
    parent: QWidget | None, title: str, label: str, *, multiline: bool = False
) -> str | None:
    if multiline:
        text, ok = QInputDialog.getMultiLineText(parent, title, label)
    else:
        text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def choose_open_files(parent: QWidget | None, title: str, file_filter: str) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", file_filter)
    return [Path(name) for name in names]
