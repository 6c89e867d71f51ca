"""Music: generation, analysis and effects."""
