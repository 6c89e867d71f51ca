"""The audio toolkit: ffmpeg from imageio-ffmpeg, run as cancellable child processes."""
