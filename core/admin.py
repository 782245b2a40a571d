"""What every app's admin shares."""


class ReadOnlyAdminMixin:
    """List and read; never add, change or delete. For records that only their services make
    and change (the admin must not be a second write path): put it before the ModelAdmin or
    inline class it restricts."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
