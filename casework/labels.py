"""Every label shown for a code (roles; statuses and categories later) lives here, once."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "mediator": _l("Mediator"),
}


def init_app(app):
    @app.context_processor
    def labels():
        return {"role_labels": ROLE_LABELS}
