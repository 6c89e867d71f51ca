"""Narrated story videos: a topic to a script, scene images, narration and an MP4."""
