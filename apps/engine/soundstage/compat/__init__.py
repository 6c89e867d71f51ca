"""The names of the compatibility surfaces (``SOUNDSTAGE_COMPAT_APIS``): each is
the HTTP API of one backend Soundstage replaces, served on top of ``/v1``'s jobs,
auth, storage and queue so that backend's frontend works unchanged."""

SURFACES: tuple[str, ...] = ("video", "projects", "song", "audiobook", "studio")
