package dev.voxpipe.dsp.decode;

/** What audio bytes look like. Names match dev.voxpipe.schemas.common.AudioFormat, so {@code valueOf(name())} maps. */
public enum SniffedFormat {
    WAV, FLAC, MP3, OGG_VORBIS, OGG_OPUS, UNKNOWN
}
