package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.fault.Faults;
import dev.voxpipe.core.io.BoundedInputStream;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.Chapter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes a finished book: the chunks in order with their pauses, as a WAV with chapter cue
 * points, or through ffmpeg as FLAC, Ogg Opus or MP3 with chapter metadata. Audio is streamed
 * chunk by chunk from the blob store, so a book of any length needs constant memory.
 */
public final class BookWriter {

    private final BlobStore blobs;
    private final String ffmpeg;

    public BookWriter(BlobStore blobs, String ffmpeg) {
        this.blobs = blobs;
        this.ffmpeg = ffmpeg;
    }

    public record Book(BlobRef audio, double durationSeconds, List<Chapter> chapters, double synthesisSeconds) {}

    public static String bookKey(String requestId, AudioFormat format) {
        return "synthesis/" + requestId + "/book." + extension(format);
    }

    static String extension(AudioFormat format) {
        return switch (format) {
            case WAV -> "wav";
            case FLAC -> "flac";
            case OGG_OPUS, OGG_VORBIS -> "ogg";
            case MP3 -> "mp3";
            default -> throw new IllegalArgumentException("cannot write audio as " + format);
        };
    }

    static String contentType(AudioFormat format) {
        return switch (format) {
            case WAV -> "audio/wav";
            case FLAC -> "audio/flac";
            case OGG_OPUS, OGG_VORBIS -> "audio/ogg";
            case MP3 -> "audio/mpeg";
            default -> "application/octet-stream";
        };
    }

    public Book write(AssemblyState state) throws IOException, InterruptedException {
        List<AssemblyState.Part> parts = new ArrayList<>(state.parts().values());
        int rate = parts.get(0).sampleRate();
        long samples = 0;
        List<Chapter> chapters = new ArrayList<>();
        List<Long> cueSamples = new ArrayList<>();
        double synthesisSeconds = 0;
        for (AssemblyState.Part part : parts) {
            if (part.sampleRate() != rate) {
                throw new IOException("chunks differ in sample rate (" + rate + " and " + part.sampleRate() + ")");
            }
            if (part.chapterTitle() != null) {
                chapters.add(new Chapter(part.chapterTitle(), samples / (double) rate));
                cueSamples.add(samples);
            }
            samples += part.sampleCount() + pauseSamples(part, rate);
            synthesisSeconds += part.synthesisSeconds();
        }
        AudioFormat format = AudioFormat.valueOf(state.format());
        String key = bookKey(state.requestId(), format);
        byte[] cues = cueChunks(chapters, cueSamples);
        InputStream wav = wavStream(parts, rate, samples, cues);
        BlobRef ref;
        if (format == AudioFormat.WAV) {
            try {
                ref = blobs.putAt(key, wav, contentType(format));
            } catch (IOException e) {
                throw Faults.storeFault(e); // the store's (or the chunk reads', already tagged) fault: transient
            }
        } else {
            ref = encodeWithFfmpeg(wav, format, chapters, samples / (double) rate, key);
        }
        return new Book(ref, samples / (double) rate, chapters, synthesisSeconds);
    }

    private static long pauseSamples(AssemblyState.Part part, int rate) {
        return (long) part.pauseAfterMs() * rate / 1000;
    }

    private InputStream wavStream(List<AssemblyState.Part> parts, int rate, long samples, byte[] cues) {
        long dataBytes = samples * 2;
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes + cues.length))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        List<InputStreamSupplier> pieces = new ArrayList<>();
        pieces.add(() -> new ByteArrayInputStream(header.array()));
        for (AssemblyState.Part part : parts) {
            pieces.add(() -> pcmOf(part));
            long pause = pauseSamples(part, rate) * 2;
            if (pause > 0) pieces.add(() -> new ZeroStream(pause));
        }
        if (cues.length > 0) pieces.add(() -> new ByteArrayInputStream(cues));
        return new SequenceInputStream(new LazyStreams(pieces.iterator()));
    }

    /** The PCM of a chunk's WAV, exactly sampleCount samples (a RIFF walk to the data chunk). */
    private InputStream pcmOf(AssemblyState.Part part) throws IOException {
        InputStream in;
        try {
            in = Faults.storeStream(blobs.open(part.blobKey()));
        } catch (IOException e) {
            throw Faults.storeFault(e);
        }
        DataInputStream data = new DataInputStream(in);
        byte[] four = new byte[4];
        data.readFully(four); // RIFF
        data.skipNBytes(8);    // size, WAVE
        while (true) {
            data.readFully(four);
            int size = Integer.reverseBytes(data.readInt());
            if ("data".equals(new String(four, StandardCharsets.US_ASCII))) break;
            data.skipNBytes(size + (size & 1));
        }
        return new BoundedInputStream(data, part.sampleCount() * 2);
    }

    /** RIFF "cue " and LIST/adtl/labl chunks: the chapter markers players show. */
    static byte[] cueChunks(List<Chapter> chapters, List<Long> sampleOffsets) {
        if (chapters.isEmpty()) return new byte[0];
        ByteBuffer cue = ByteBuffer.allocate(12 + 24 * chapters.size()).order(ByteOrder.LITTLE_ENDIAN);
        cue.put("cue ".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 24 * chapters.size()).putInt(chapters.size());
        for (int i = 0; i < chapters.size(); i++) {
            int offset = sampleOffsets.get(i).intValue();
            cue.putInt(i + 1).putInt(offset).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(0).putInt(offset);
        }
        List<byte[]> labels = new ArrayList<>();
        int labelsSize = 4; // "adtl"
        for (int i = 0; i < chapters.size(); i++) {
            byte[] text = (chapters.get(i).getTitle() + "\0").getBytes(StandardCharsets.UTF_8);
            int size = 4 + text.length;
            ByteBuffer labl = ByteBuffer.allocate(8 + size + (size & 1)).order(ByteOrder.LITTLE_ENDIAN);
            labl.put("labl".getBytes(StandardCharsets.US_ASCII)).putInt(size).putInt(i + 1).put(text);
            labels.add(labl.array());
            labelsSize += labl.capacity();
        }
        ByteBuffer list = ByteBuffer.allocate(8 + labelsSize).order(ByteOrder.LITTLE_ENDIAN);
        list.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(labelsSize).put("adtl".getBytes(StandardCharsets.US_ASCII));
        labels.forEach(list::put);
        ByteBuffer all = ByteBuffer.allocate(cue.capacity() + list.capacity());
        all.put(cue.array()).put(list.array());
        return all.array();
    }

    private BlobRef encodeWithFfmpeg(InputStream wav, AudioFormat format, List<Chapter> chapters, double duration,
                                     String key) throws IOException, InterruptedException {
        Path metadata = Files.createTempFile("voxpipe-chapters", ".txt");
        try {
            Files.writeString(metadata, ffmetadata(chapters, duration));
            List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                    "-f", "wav", "-i", "pipe:0", "-f", "ffmetadata", "-i", metadata.toString(),
                    "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"));
            if (format == AudioFormat.FLAC) command.addAll(vorbisChapterTags(chapters));
            command.addAll(switch (format) {
                case FLAC -> List.of("-c:a", "flac", "-f", "flac");
                case OGG_OPUS -> List.of("-c:a", "libopus", "-b:a", "48k", "-f", "ogg");
                case OGG_VORBIS -> List.of("-c:a", "libvorbis", "-q:a", "4", "-f", "ogg");
                case MP3 -> List.of("-c:a", "libmp3lame", "-q:a", "4", "-f", "mp3");
                default -> throw new IllegalArgumentException("cannot encode " + format);
            });
            command.add("pipe:1");
            Process process;
            try {
                process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
            } catch (IOException e) {
                throw new IOException(format + " output needs ffmpeg on the assembler's host (Debian package ffmpeg;"
                        + " set voxpipe.audiobook.ffmpeg to its path): " + e.getMessage(), e);
            }
            CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
                try (OutputStream stdin = process.getOutputStream(); wav) {
                    wav.transferTo(stdin);
                } catch (IOException e) {
                    process.destroy();
                }
            });
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            BlobRef ref;
            try {
                ref = blobs.putAt(key, process.getInputStream(), contentType(format));
            } catch (IOException e) {
                process.destroyForcibly();
                throw Faults.storeFault(e);
            }
            feeder.join();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                blobs.delete(key);
                throw new IOException("ffmpeg could not encode " + format + ": " + errors.join().strip());
            }
            return ref;
        } finally {
            Files.deleteIfExists(metadata);
        }
    }

    /**
     * FLAC has no chapter atoms that ffmpeg writes; players read the Vorbis-comment convention
     * CHAPTERnnn=HH:MM:SS.mmm and CHAPTERnnnNAME=title instead.
     */
    static List<String> vorbisChapterTags(List<Chapter> chapters) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < chapters.size(); i++) {
            long ms = Math.round(chapters.get(i).getStartSeconds() * 1000);
            String tag = String.format("CHAPTER%03d", i + 1);
            args.addAll(List.of("-metadata", tag + "=" + String.format("%02d:%02d:%02d.%03d",
                    ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)));
            args.addAll(List.of("-metadata", tag + "NAME=" + chapters.get(i).getTitle()));
        }
        return args;
    }

    static String ffmetadata(List<Chapter> chapters, double duration) {
        StringBuilder text = new StringBuilder(";FFMETADATA1\n");
        for (int i = 0; i < chapters.size(); i++) {
            long start = Math.round(chapters.get(i).getStartSeconds() * 1000);
            long end = Math.round((i + 1 < chapters.size() ? chapters.get(i + 1).getStartSeconds() : duration) * 1000);
            text.append("[CHAPTER]\nTIMEBASE=1/1000\nSTART=").append(start).append("\nEND=").append(Math.max(start, end))
                    .append("\ntitle=").append(escape(chapters.get(i).getTitle())).append('\n');
        }
        return text.toString();
    }

    private static String escape(String value) {
        return value.replaceAll("([=;#\\\\\n])", "\\\\$1");
    }

    @FunctionalInterface
    private interface InputStreamSupplier {
        InputStream open() throws IOException;
    }

    /** Opens each piece only when the previous one is used up. */
    private static final class LazyStreams implements java.util.Enumeration<InputStream> {
        private final Iterator<InputStreamSupplier> pieces;

        LazyStreams(Iterator<InputStreamSupplier> pieces) {
            this.pieces = pieces;
        }

        @Override
        public boolean hasMoreElements() {
            return pieces.hasNext();
        }

        @Override
        public InputStream nextElement() {
            if (!pieces.hasNext()) throw new NoSuchElementException();
            try {
                return pieces.next().open();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static final class ZeroStream extends InputStream {
        private long remaining;

        ZeroStream(long bytes) {
            this.remaining = bytes;
        }

        @Override
        public int read() {
            if (remaining <= 0) return -1;
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) return -1;
            int n = (int) Math.min(len, remaining);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }
}
