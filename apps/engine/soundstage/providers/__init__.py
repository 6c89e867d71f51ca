"""Providers: the models and remote APIs that make audio, behind small protocols.

``providers.tts`` holds text-to-speech: one :class:`~soundstage.providers.tts.TTSProvider`
protocol, a registry keyed by name, local voices (hibari, piper) and remote APIs
(OpenAI or any OpenAI-compatible server, ElevenLabs, Inworld).
"""
