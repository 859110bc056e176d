package dev.voxpipe.ingest.upload;

import dev.voxpipe.dsp.decode.AudioFormatSniffer;
import dev.voxpipe.schemas.common.AudioFormat;

/** What an upload's first bytes say it is: audio-dsp's sniffer, mapped onto the schema's enum. */
public final class FormatSniffing {

    /** Bytes needed from the start of an upload. */
    public static final int HEAD_BYTES = AudioFormatSniffer.HEAD_BYTES;

    private FormatSniffing() {}

    public static AudioFormat sniff(byte[] head) {
        return AudioFormat.valueOf(AudioFormatSniffer.sniff(head).name());
    }

    public static String mediaType(AudioFormat format) {
        return switch (format) {
            case WAV -> "audio/wav";
            case FLAC -> "audio/flac";
            case MP3 -> "audio/mpeg";
            case OGG_OPUS, OGG_VORBIS -> "audio/ogg";
            default -> "application/octet-stream";
        };
    }
}
