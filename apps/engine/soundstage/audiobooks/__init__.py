"""Audiobooks: manuscripts to mastered, chaptered MP3 and M4B."""
