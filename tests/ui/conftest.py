"""GUI fixtures: a session over a seeded copy, answers instead of dialogs, settings in a temp dir."""
from __future__ import annotations

import pytest

from app.store.store import Store


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, qapp):
    """QSettings write under the test's temp dir, never the real user's config."""
    from PySide6 import QtCore
    QtCore.QCoreApplication.setOrganizationName("policy-tracker-tests")
    QtCore.QCoreApplication.setApplicationName("policy-tracker-tests")
    for scope in (QtCore.QSettings.Scope.UserScope, QtCore.QSettings.Scope.SystemScope):
        QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, scope, str(tmp_path / "settings"))
        QtCore.QSettings.setPath(QtCore.QSettings.Format.NativeFormat, scope, str(tmp_path / "settings"))
    QtCore.QSettings().clear()
    yield


@pytest.fixture
def answers():
    from app.ui.session import RecordingInteraction
    return RecordingInteraction(answer=True)


@pytest.fixture
def session(seeded_path, answers, qapp):
    from app.ui.session import Session
    s = Session(Store(seeded_path), analyst="Test Analyst", interaction=answers, poll_ms=0)
    yield s
    s.close()


def almaty_proposal_id(store: Store) -> str:
    fid = next(f["id"] for f in store.list_frameworks() if f["title"].startswith("Almaty"))
    return store.item_ids(framework_ids=[fid], kinds=["proposal"])[0]


def gdp_target_id(store: Store) -> str:
    return next(i for i in store.item_ids() if store.get_item(i)["ref"] == "7NDP-DE-GDP")


@pytest.fixture
def almaty_id(session) -> str:
    """The first Almaty proposal."""
    return almaty_proposal_id(session.store)


@pytest.fixture
def gdp_id(session) -> str:
    """The 7NDP digital-economy GDP target item."""
    return gdp_target_id(session.store)


@pytest.fixture
def window(seeded_path, answers, qtbot):
    """The main window on a seeded copy, with recorded answers instead of dialogs."""
    from app.ui.main_window import MainWindow
    from app.ui.preferences import Preferences
    win = MainWindow(Store(seeded_path), prefs=Preferences(analyst="Test Analyst"), interaction=answers, poll_ms=0)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.shutdown()
