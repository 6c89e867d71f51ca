"""Object storage behind one small protocol: local files or Supabase Storage."""

from soundstage.storage.base import SignedUpload, SignedURL, Storage, object_path

__all__ = ["SignedURL", "SignedUpload", "Storage", "object_path"]
