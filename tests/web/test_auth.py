"""Login, logout, sessions, CSRF and roles."""

import pytest

from tests.conftest import csrf_token


def test_every_page_but_login_requires_a_session(client):
    for path in ["/", "/import", "/admin/users", "/documents/1", "/segments/1/history", "/documents/1/export.txt"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/auth/login" in response.headers["Location"]
    assert client.get("/auth/login").status_code == 200


def test_login_and_logout(client, auth):
    response = auth.login("rita")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "rita · reviewer" in page
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password(client, auth):
    response = auth.login("rita", "not-the-password")
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_redirects_only_within_the_site(client):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"username": "rita", "password": "reviewer-pass-1",
                                                "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_forms_without_csrf_token_are_refused(client, auth):
    response = client.post("/auth/login", data={"username": "rita", "password": "reviewer-pass-1"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    auth.login("admin")
    response = client.post("/admin/users", data={"username": "eve", "role": "admin", "password": "eve-pass-123"})
    assert response.status_code == 400
    assert "eve" not in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("name, path, status", [
    ("tom", "/admin/users", 403),
    ("tom", "/admin/projects", 403),
    ("tom", "/import", 403),
    ("rita", "/admin/users", 403),
    ("rita", "/import", 200),
    ("admin", "/admin/users", 200),
    ("admin", "/admin/projects", 200),
])
def test_roles(client, auth, name, path, status):
    auth.login(name)
    assert client.get(path).status_code == status


def test_admin_adds_a_user_who_can_log_in(client, auth):
    auth.login("admin")
    token = auth.token("/admin/users")
    response = client.post("/admin/users", data={"username": "lin", "role": "translator", "password": "",
                                                  "csrf_token": token}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Added lin as translator" in page
    password = page.split("Their password: ")[1].split(" ")[0]
    auth.logout()
    assert auth.login("lin", password).status_code == 302


def test_translator_cannot_post_to_admin(client, auth):
    auth.login("tom")
    token = auth.token("/")
    response = client.post("/admin/users", data={"username": "eve", "role": "admin", "password": "eve-pass-123",
                                                  "csrf_token": token})
    assert response.status_code == 403
