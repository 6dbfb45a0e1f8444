"""Sessions that end: logout, a password change, an admin's reset or deactivation end every session
of that user; cookies carry HttpOnly and SameSite, and Secure when asked (issue 11)."""

from __future__ import annotations

from sqlalchemy import select

from app.storage.models import User
from tests.conftest import PASSWORDS, AuthActions, close_app, csrf_token


def _second_client(app):
    client = app.test_client()
    AuthActions(client).login("rita")
    return client


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_logout_ends_a_copied_cookie(app, client, auth):
    auth.login("rita")
    cookie = client.get_cookie("session").value
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_logout_ends_every_session_of_the_user(app, client, auth):
    other = _second_client(app)
    assert _logged_in(other)
    auth.login("rita")
    auth.logout()
    assert not _logged_in(other)


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, client, auth, session):
    other = _second_client(app)
    auth.login("rita")
    page = client.get("/account/password")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    wrong = client.post("/account/password", data={"csrf_token": token, "current_password": "nope-nope-1",
                                                   "new_password": "a-new-pass-9", "confirm": "a-new-pass-9"})
    assert wrong.status_code == 400
    assert _logged_in(other)
    done = client.post("/account/password", data={"csrf_token": token, "current_password": PASSWORDS["rita"],
                                                   "new_password": "a-new-pass-9", "confirm": "a-new-pass-9"})
    assert done.status_code == 302
    assert _logged_in(client)  # the session that changed it goes on
    assert not _logged_in(other)
    fresh = AuthActions(app.test_client())
    assert fresh.login("rita").status_code == 401
    assert fresh.login("rita", "a-new-pass-9").status_code == 302


def test_admin_reset_and_deactivate_end_sessions(app, client, auth, session):
    rita_id = session.scalar(select(User.id).where(User.username == "rita"))
    other = _second_client(app)
    auth.login("admin")
    token = auth.token("/admin/users")
    reset = client.post(f"/admin/users/{rita_id}/reset", data={"csrf_token": token})
    assert reset.status_code == 302
    assert not _logged_in(other)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "password for rita" in page.lower()
    other = app.test_client()
    assert AuthActions(other).login("rita").status_code == 401  # the old password is gone
    client.post(f"/admin/users/{rita_id}/active", data={"csrf_token": token, "active": "0"})
    session.expire_all()
    assert session.get(User, rita_id).active is False


def test_cookie_flags(app, client, auth):
    response = auth.login("rita")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_when_asked(database_url, tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("DUIZHAO_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DUIZHAO_SECURE_COOKIES", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k"})
    response = AuthActions(app.test_client()).login("rita")
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    close_app(app)


def test_session_lifetime_is_a_setting(database_url, tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("DUIZHAO_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k", "SESSION_HOURS": 2})
    assert app.permanent_session_lifetime.total_seconds() == 7200
    response = AuthActions(app.test_client()).login("rita")
    assert "Expires=" in response.headers["Set-Cookie"]
    close_app(app)
