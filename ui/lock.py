"""Lock screen after inactivity (profile setting ``lock_minutes``, default 10).

An application-wide event filter notes the time of every key press, click and mouse
movement. When the window has been idle for ``lock_minutes`` an opaque overlay covers it
and asks the password again; the widgets underneath are only disabled, never destroyed,
so unsaved input stays exactly as it was. Unlocking is a login (rate-limited, logged as
"ontgrendelen"). On a database without accounts there is no password to ask: the overlay
only hides the data until "Ontgrendelen" is clicked.

``install_lock(main_window, ctx)`` is called once by the main window.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import auth
from jeugdtoegang.services.context import AppContext

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class LockOverlay(QFrame):
    """Covers the whole main window; asks the current user's password."""

    def __init__(self, window: QMainWindow, ctx: AppContext, controller: LockController) -> None:
        super().__init__(window)
        self.setObjectName("lock_overlay")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lock_overlay { background: #2d3e50; } QLabel { color: white; }")
        self.ctx = ctx
        self.controller = controller
        self.needs_password = auth.has_users(ctx.database)
        box = QFrame()
        box.setObjectName("lock_box")
        box.setStyleSheet("#lock_box { background: #3b5064; border-radius: 8px; }")
        box.setFixedWidth(380)
        title = QLabel("<b>Jeugdtoegang is vergrendeld</b>")
        title.setObjectName("lock_title")
        who = QLabel(
            f"Ingelogd als {ctx.actor.display_name} ({ctx.actor.username}). "
            + (
                "Vul uw wachtwoord in om verder te werken; uw werk staat nog open."
                if self.needs_password
                else "Uw werk staat nog open."
            )
        )
        who.setWordWrap(True)
        who.setFixedWidth(340)
        who.setMinimumHeight(who.heightForWidth(340))
        self.password_field = QLineEdit()
        self.password_field.setObjectName("unlock_password_field")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText("Wachtwoord")
        self.password_field.setVisible(self.needs_password)
        self.message = QLabel("")
        self.message.setObjectName("unlock_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #ffd2d2;")
        self.unlock_button = QPushButton("Ontgrendelen")
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(20, 18, 20, 18)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addWidget(self.password_field)
        inner.addWidget(self.message)
        inner.addWidget(self.unlock_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password_field.returnPressed.connect(self.try_unlock)

    def try_unlock(self) -> None:
        if self.needs_password:
            try:
                auth.login(
                    self.ctx.database,
                    self.ctx.actor.username,
                    self.password_field.text(),
                    action="ontgrendelen",
                )
            except JeugdtoegangError as error:
                self.message.setText(error.message)
                self.password_field.clear()
                return
        self.password_field.clear()
        self.message.clear()
        self.controller.unlock()


class LockController(QObject):
    """Tracks activity and locks the main window after ``minutes`` without input."""

    def __init__(self, window: QMainWindow, ctx: AppContext, minutes: float) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.timeout_s = max(minutes, 0.001) * 60
        self.last_activity = time.monotonic()
        self.locked = False
        self._focus: QWidget | None = None
        self._disabled: list[QWidget] = []
        self.overlay = LockOverlay(window, ctx, self)
        self.overlay.hide()
        self.timer = QTimer(self)
        self.timer.setObjectName("lock_timer")
        self.timer.setInterval(int(min(15.0, self.timeout_s / 4) * 1000) or 50)
        self.timer.timeout.connect(self._check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _ACTIVITY and not self.locked:
            self.last_activity = time.monotonic()
        elif watched is self.window and kind == QEvent.Type.Resize and self.locked:
            self.overlay.setGeometry(self.window.rect())
        return False

    def _check(self) -> None:
        if not self.locked and time.monotonic() - self.last_activity >= self.timeout_s:
            self.lock()

    def lock(self) -> None:
        """Cover the window now (keeps every widget and its contents)."""
        if self.locked:
            return
        self.locked = True
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self.window.isAncestorOf(focus) else None
        self._disabled = [
            w
            for w in (self.window.centralWidget(), self.window.menuBar(), self.window.statusBar())
            if w is not None and w.isEnabled()
        ]
        for widget in self._disabled:
            widget.setEnabled(False)
        self.overlay.setGeometry(self.window.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.password_field.setFocus()

    def unlock(self) -> None:
        """Uncover the window and give the focus back to where the user was typing."""
        self.overlay.hide()
        for widget in self._disabled:
            widget.setEnabled(True)
        self._disabled = []
        self.locked = False
        self.last_activity = time.monotonic()
        if self._focus is not None:
            self._focus.setFocus()
        self._focus = None


def effective_lock_minutes(ctx: AppContext) -> int:
    """The machine or user settings file's ``lock_minutes``, else the region profile's."""
    from jeugdtoegang.settings import load_settings

    return load_settings().lock_minutes or ctx.profile.settings.lock_minutes


def install_lock(
    window: QMainWindow, ctx: AppContext, minutes: float | None = None
) -> LockController:
    """Lock ``window`` after the profile's ``lock_minutes`` of inactivity."""
    if minutes is None:
        minutes = float(effective_lock_minutes(ctx))
    controller = LockController(window, ctx, minutes)
    window.lock_controller = controller  # type: ignore[attr-defined]
    return controller
