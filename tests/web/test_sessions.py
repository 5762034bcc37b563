"""Session signing: without TRENDTOK_SECRET_KEY the key is made once, beside the database."""
import stat


def test_the_session_key_is_made_once_beside_the_database_and_kept(tmp_path):
    from app import create_app

    config = {"TESTING": True, "TRENDTOK_RUNS_DIR": str(tmp_path / "runs"),
              "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"),
              "TRENDTOK_DB": str(tmp_path / "state" / "studio.sqlite3"), "TRENDTOK_SECRET_KEY": ""}
    first = create_app(config)
    secret = tmp_path / "state" / "secret_key"
    assert secret.is_file() and stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == secret.read_text().strip() and len(first.config["SECRET_KEY"]) == 64
    second = create_app(config)  # a restart: the same key, so browsers keep their sessions
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    for app in (first, second):
        app.extensions["jobs"].close()
        app.extensions["studio"].close()
