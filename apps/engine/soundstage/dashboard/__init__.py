"""The browser dashboard at ``/app`` and the development-only sign-in route."""
