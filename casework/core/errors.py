"""The refusals operations raise, which views show next to the field at fault."""
from flask_babel import lazy_gettext as _l


class OperationError(ValueError):
    """A rule of the domain refused the change; ``field`` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def show_on(self, form):
        """Show the refusal next to its field, or above the form when it has none."""
        field = getattr(form, self.field, None) if self.field else None
        if field is not None:
            field.errors = list(field.errors) + [self.message]
        else:
            form.form_errors.append(self.message)


class EditConflict(OperationError):
    """Someone else saved the same record since the form was opened, or at the same
    moment: the later save is refused, never silently merged."""

    def __init__(self):
        super().__init__(_l("Someone else saved this case while you were editing it. "
                            "Their changes are shown below; check them, then make your "
                            "change again."))
