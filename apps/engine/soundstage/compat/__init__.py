"""Drop-in APIs for the frontends of the backends Soundstage replaces, one module
per surface (``SOUNDSTAGE_COMPAT_APIS``), each on top of ``/v1``'s jobs, auth,
storage and queue so that backend's frontend works unchanged."""

from soundstage.config import COMPAT_SURFACES as SURFACES

__all__ = ["SURFACES"]
