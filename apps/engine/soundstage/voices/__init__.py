"""Voices: what each TTS provider can speak with, and a short sample of each."""
