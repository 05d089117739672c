"""The operator surface: the admin JSON API (/admin/api/), the dashboard pages (/admin/), and their sign-in."""
