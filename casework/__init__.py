"""Casework: case management for neighbour-dispute mediation services."""
import logging
import os

from flask import Flask

from . import config as config_module

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration."""


def create_app(test_config=None):
    """Build the app: config → extensions → blueprints → errors → commands."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("CASEWORK_INSTANCE_PATH")
        or os.path.join(PROJECT_ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app, test_config=None):
    """Defaults, then instance/config.py, then CASEWORK_* variables, then the test's own."""
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environment())
    if test_config:
        app.config.update(test_config)

    relaxed = app.debug or app.testing
    if not app.config.get("SECRET_KEY"):
        if not relaxed:
            raise ConfigurationError(
                "CASEWORK_SECRET_KEY is not set. Casework refuses to start without a secret key "
                "outside debug and testing: set CASEWORK_SECRET_KEY to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "the same on every app server."
            )
        app.config["SECRET_KEY"] = config_module.DEV_SECRET_KEY
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = not relaxed
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]

    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = "sqlite:///" + os.path.join(app.instance_path, "casework.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = url

    # X-Forwarded-For believed only from TRUSTED_PROXIES (or, the older setting, from
    # PROXY_COUNT proxies): see web/proxies.py.
    from .web import proxies, security

    try:
        app.wsgi_app = proxies.wrap(app.wsgi_app, app.config)
    except ValueError as error:
        raise ConfigurationError(
            f"CASEWORK_TRUSTED_PROXIES: {error}. Give the proxies' addresses or networks, "
            "comma-separated, such as 10.0.0.5, 10.1.0.0/16.") from None
    try:
        security.check_settings(app.config)
    except ValueError as error:
        raise ConfigurationError(f"Login settings: {error}.") from None


def register_extensions(app):
    from . import database, permissions
    from .audit import tracking as audit
    from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from .web import converters, formatting, i18n, security

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    converters.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=os.path.join(
                       os.path.dirname(__file__), "translations"))
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    permissions.init_app(app)
    formatting.init_app(app)
    i18n.init_app(app)
    audit.init_app(app)


def register_blueprints(app):
    """One blueprint per module; the composite pages (casefile) last."""
    from .activity.views import bp as activity_bp
    from .admin.views import bp as admin_bp
    from .agreements.views import bp as agreements_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .casefile import bp as casefile_bp
    from .letters.views import bp as letters_bp
    from .cases.views import bp as cases_bp
    from .meetings.views import bp as meetings_bp
    from .privacy.views import bp as privacy_bp
    from .reference.views import bp as reference_bp
    from .reports.views import bp as reports_bp
    from .web.pages import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reference_bp, url_prefix="/admin/reference")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(meetings_bp)
    app.register_blueprint(activity_bp, url_prefix="/activities")
    app.register_blueprint(agreements_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(audit_bp)
    app.register_blueprint(privacy_bp)  # /privacy/… and /cases/<reference>/anonymise
    app.register_blueprint(casefile_bp)


def register_errorhandlers(app):
    from .web.errors import register

    register(app)


def register_commands(app):
    from .cli import register

    register(app)
