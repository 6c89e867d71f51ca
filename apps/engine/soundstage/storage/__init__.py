"""Object storage behind one small protocol: local files or Supabase Storage."""

from soundstage.storage.base import SignedURL, Storage, object_path

__all__ = ["SignedURL", "Storage", "object_path"]
