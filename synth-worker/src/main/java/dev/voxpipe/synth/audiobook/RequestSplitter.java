package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.text.TextChunk;
import dev.voxpipe.text.TextFrontend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a synthesis request into ordered chunks with the text frontend: bounded length, never
 * inside a number or abbreviation, paragraph and chapter boundaries kept. The pause after each
 * chunk follows the request: sentence pause inside a paragraph, paragraph pause before a new
 * paragraph, twice that before a chapter.
 */
public final class RequestSplitter {

    private final BlobStore blobs;
    private final int maxChunkChars;

    public RequestSplitter(BlobStore blobs, int maxChunkChars) {
        this.blobs = blobs;
        this.maxChunkChars = maxChunkChars;
    }

    public static String chunkKey(String requestId, int index) {
        return requestId + "/" + index;
    }

    public List<SynthesisChunk> split(SynthesisRequest request) throws IOException {
        String text = text(request);
        TextFrontend frontend = TextFrontend.forLanguage(request.getLanguage());
        List<TextChunk> pieces = frontend.chunks(text, maxChunkChars);
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("the text has nothing to speak (" + text.length() + " characters,"
                    + " none of them words or numbers)");
        }
        if (request.getStreaming()) pieces = firstSentenceAlone(frontend, pieces);
        List<SynthesisChunk> chunks = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            TextChunk piece = pieces.get(i);
            TextChunk next = i + 1 < pieces.size() ? pieces.get(i + 1) : null;
            int pause = next == null ? 0
                    : next.chapterTitle() != null ? 2 * request.getParagraphPauseMs()
                    : next.paragraphStart() ? request.getParagraphPauseMs()
                    : request.getSentencePauseMs();
            chunks.add(SynthesisChunk.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setTenantId(request.getTenantId())
                    .setVoiceId(request.getVoiceId())
                    .setModelVersion(request.getModelVersion())
                    .setChunkIndex(i)
                    .setChunkCount(pieces.size())
                    .setText(piece.text())
                    .setLanguage(piece.language())
                    .setSpeed(request.getSpeed())
                    .setPitchShift(request.getPitchShift())
                    .setPitchRange(request.getPitchRange())
                    .setPauseAfterMs(pause)
                    .setChapterTitle(piece.chapterTitle())
                    .setFormat(request.getFormat())
                    .setReference(request.getReference())
                    .setStreaming(request.getStreaming())
                    .setEventTime(Instant.now())
                    .build());
        }
        return chunks;
    }

    /**
     * For a streamed response: the first chunk is only the first sentence, so its audio (the first
     * audio of the response) is ready after one short synthesis; the rest of that chunk follows as the next.
     */
    static List<TextChunk> firstSentenceAlone(TextFrontend frontend, List<TextChunk> pieces) {
        TextChunk first = pieces.get(0);
        if (first.chapterTitle() != null) return pieces;
        var sentences = frontend.sentences(first.text());
        if (sentences.size() < 2) return pieces;
        StringBuilder rest = new StringBuilder();
        for (int k = 1; k < sentences.size(); k++) {
            if (rest.length() > 0) rest.append(' ');
            rest.append(sentences.get(k).normalized());
        }
        List<TextChunk> out = new ArrayList<>(pieces.size() + 1);
        out.add(new TextChunk(0, sentences.get(0).normalized(), first.language(), first.paragraphIndex(), first.paragraphStart(),
                first.chapterIndex(), null, first.pauseAfterMs()));
        out.add(new TextChunk(1, rest.toString(), first.language(), first.paragraphIndex(), false, first.chapterIndex(), null,
                first.pauseAfterMs()));
        for (int i = 1; i < pieces.size(); i++) {
            TextChunk p = pieces.get(i);
            out.add(new TextChunk(i + 1, p.text(), p.language(), p.paragraphIndex(), p.paragraphStart(), p.chapterIndex(),
                    p.chapterTitle(), p.pauseAfterMs()));
        }
        return out;
    }

    private String text(SynthesisRequest request) throws IOException {
        if (request.getText() != null) return request.getText();
        if (request.getTextBlob() == null) throw new IllegalArgumentException("the request has neither text nor a text blob");
        InputStream raw;
        try {
            raw = blobs.open(request.getTextBlob().getKey());
        } catch (IOException e) {
            throw dev.voxpipe.core.fault.Faults.storeFault(e); // a missing blob is the request's fault, anything else the store's
        }
        try (InputStream in = dev.voxpipe.core.fault.Faults.storeStream(raw)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
