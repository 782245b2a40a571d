"""Small pieces shared by every room: history helpers. Not a Django app."""
