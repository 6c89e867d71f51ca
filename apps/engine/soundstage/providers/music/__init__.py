"""Music providers: text (and optionally lyrics) to a piece of music."""
