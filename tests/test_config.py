"""Configuration: secret key, database choice, instance overrides, the environment."""
import pytest

from casework import ConfigurationError, create_app
from casework.config import from_environment


def test_refuses_to_start_in_production_without_a_secret_key(monkeypatch, database_url):
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="CASEWORK_SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_starts_in_production_with_a_secret_key_from_the_environment(monkeypatch,
                                                                       database_url):
    monkeypatch.setenv("CASEWORK_SECRET_KEY", "s" * 64)
    app = create_app({"DATABASE_URL": database_url})
    assert app.config["SECRET_KEY"] == "s" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_debug_and_testing_start_without_a_secret_key(monkeypatch, database_url):
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    assert create_app({"DEBUG": True, "DATABASE_URL": database_url}).config["SECRET_KEY"]
    assert create_app({"TESTING": True, "DATABASE_URL": database_url}).config["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/casework.sqlite"


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/other.sqlite"
    monkeypatch.setenv("CASEWORK_DATABASE_URL", url)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url


def test_instance_config_overrides_defaults_and_environment_overrides_it(monkeypatch,
                                                                        tmp_path):
    (tmp_path / "config.py").write_text(
        "ORGANISATION_NAME = 'Médiation Sud'\nPROXY_COUNT = 0\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["ORGANISATION_NAME"] == "Médiation Sud"
    assert app.config["SECRET_KEY"] == "from-file"
    monkeypatch.setenv("CASEWORK_ORGANISATION_NAME", "Médiation Nord")
    assert create_app().config["ORGANISATION_NAME"] == "Médiation Nord"


def test_environment_values_take_the_type_of_the_setting():
    settings = from_environment({"CASEWORK_PROXY_COUNT": "1",
                                 "CASEWORK_SESSION_COOKIE_SECURE": "false",
                                 "CASEWORK_SECRET_KEY": "12345",
                                 "OTHER": "ignored"})
    assert settings == {"PROXY_COUNT": 1, "SESSION_COOKIE_SECURE": False,
                        "SECRET_KEY": "12345"}


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
