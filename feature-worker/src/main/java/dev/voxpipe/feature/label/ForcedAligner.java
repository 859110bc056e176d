package dev.voxpipe.feature.label;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Places one transcript on the clips of a long upload, at word level. Each clip (already cut at silences, so at
 * word boundaries, and at most 15 s) is recognised with a language model of the transcript itself
 * ({@link ArpaLanguageModel}); the words heard in all clips, in order, are aligned with the transcript's words by
 * edit distance, and every transcript word lands in the clip whose audio held it. A clip gets the exact written
 * text of its words, and a confidence: the share of its words heard as written. Low-confidence clips keep their
 * text but are held back from training with the reason. Transcripts that cannot belong to the audio are refused
 * as a whole, with the reason: not English, far longer than the speech, or not what was said.
 */
public final class ForcedAligner {
    private final LabelSettings settings;
    private final Pocketsphinx recogniser;

    public ForcedAligner(LabelSettings settings) {
        this.settings = settings;
        this.recogniser = settings.recogniser();
    }

    /**
     * @param transcript    the upload's transcript
     * @param clips         every clip cut from the upload, in order (rejected ones too: they hold speech)
     * @param sampleRate    of the clips
     * @param voicedSeconds seconds of speech in the whole upload
     */
    public LabelResult align(String transcript, List<float[]> clips, int sampleRate, double voicedSeconds)
            throws LabellingUnavailableException, InterruptedException {
        TranscriptWords text = new TranscriptWords(transcript);
        int n = text.size();
        if (n == 0) return LabelResult.allNone(clips.size(), "the transcript has no words");
        String unavailable = recogniser.unavailableReason();
        if (unavailable != null) throw new LabellingUnavailableException("the transcript could not be aligned: " + unavailable);
        PronouncingDictionary cmu;
        try {
            cmu = PronouncingDictionary.load(recogniser.dictionary());
        } catch (IOException e) {
            throw new LabellingUnavailableException("the pronouncing dictionary cannot be read: " + e.getMessage(), e);
        }
        long english = text.words().stream().filter(cmu::contains).count();
        double englishShare = english / (double) n;
        if (n >= 5 && englishShare < settings.minEnglishWords()) {
            return LabelResult.allNone(clips.size(), String.format(Locale.ROOT,
                    "the transcript does not look like English (%.0f %% of its %d words are English words);"
                            + " transcripts are aligned for English speech only", 100 * englishShare, n));
        }
        if (voicedSeconds > 0 && n / voicedSeconds > settings.maxWordsPerSecond() && n >= 20) {
            return LabelResult.allNone(clips.size(), String.format(Locale.ROOT,
                    "the transcript is far longer than the audio: %d words for %.0f s of speech (%.1f words/s;"
                            + " people read 2-4 words/s)", n, voicedSeconds, n / voicedSeconds));
        }
        List<List<RecognizedWord>> heard = recognise(text, clips, sampleRate, cmu);
        List<String> hyp = new ArrayList<>();
        List<Integer> hypClip = new ArrayList<>();
        List<RecognizedWord> hypWords = new ArrayList<>();
        for (int c = 0; c < heard.size(); c++) {
            for (RecognizedWord w : heard.get(c)) {
                hyp.add(w.word());
                hypClip.add(c);
                hypWords.add(w);
            }
        }
        int[] match = align(text.words(), hyp); // per transcript word: the hyp index, or -1 (deleted); negative-2 marks substitution
        int[] clipOf = new int[n];
        boolean[] exact = new boolean[n];
        RecognizedWord[] heardAs = new RecognizedWord[n];
        int matched = 0;
        for (int i = 0; i < n; i++) {
            if (match[i] >= 0) {
                clipOf[i] = hypClip.get(match[i]);
                heardAs[i] = hypWords.get(match[i]);
                exact[i] = text.words().get(i).equals(hyp.get(match[i]));
                if (exact[i]) matched++;
            } else {
                clipOf[i] = -1;
            }
        }
        double heardShare = matched / (double) n;
        if (heardShare < settings.minTranscriptMatch()) {
            return LabelResult.allNone(clips.size(), String.format(Locale.ROOT,
                    "the transcript does not match the audio: only %.0f %% of its %d words were heard (a transcript of"
                            + " another recording, or speech that is not English)", 100 * heardShare, n));
        }
        String uploadNote = fillGaps(text, clipOf);
        return clipLabels(text, clips.size(), clipOf, exact, heardAs, heard, uploadNote);
    }

    private List<List<RecognizedWord>> recognise(TranscriptWords text, List<float[]> clips, int sampleRate, PronouncingDictionary cmu)
            throws LabellingUnavailableException, InterruptedException {
        Path work = null;
        try {
            work = Files.createTempDirectory("voxpipe-align");
            Path lm = work.resolve("transcript.lm");
            Path dict = work.resolve("transcript.dict");
            List<String> pronounceable = new ArrayList<>();
            List<String> lines = cmu.linesFor(new LinkedHashSet<>(text.words()));
            for (String line : lines) pronounceable.add(line.substring(0, line.indexOf(' ')).replaceAll("\\(\\d+\\)$", ""));
            List<String> words = text.words().stream().filter(pronounceable::contains).toList();
            if (words.isEmpty()) throw new LabellingUnavailableException("no word of the transcript can be pronounced");
            Files.writeString(lm, ArpaLanguageModel.of(words), StandardCharsets.UTF_8);
            Files.write(dict, lines, StandardCharsets.UTF_8);
            return recogniser.recognize(clips, sampleRate, lm, dict);
        } catch (IOException e) {
            throw new LabellingUnavailableException("alignment could not run: " + e.getMessage(), e);
        } finally {
            if (work != null) {
                try (var files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /**
     * Gives each transcript word the recogniser missed a clip: the clip of its neighbours when both agree; between
     * two clips, the words up to the last punctuation go to the earlier clip and the rest to the later one (or half
     * and half without punctuation). Words before the first or after the last heard word stay unplaced when the
     * run is long (the text says more than the audio); the returned note says so.
     */
    private static String fillGaps(TranscriptWords text, int[] clipOf) {
        int n = clipOf.length;
        String note = null;
        int i = 0;
        while (i < n) {
            if (clipOf[i] >= 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < n && clipOf[j] < 0) j++;
            int before = i > 0 ? clipOf[i - 1] : -1;
            int after = j < n ? clipOf[j] : -1;
            int run = j - i;
            if (before < 0 || after < 0) {
                // an edge of the transcript nobody heard: short runs belong to the first/last clip, long ones are extra text
                int edge = before < 0 ? after : before;
                if (run <= 3 && edge >= 0) {
                    Arrays.fill(clipOf, i, j, edge);
                } else {
                    note = String.format(Locale.ROOT, "%d words %s of the transcript were not heard in the audio (from \"%s\")",
                            run, before < 0 ? "at the start" : "at the end",
                            abbreviate(text.writtenText(text.writtenTokenOf(i), text.writtenTokenOf(j - 1))));
                }
            } else if (before == after) {
                Arrays.fill(clipOf, i, j, before);
            } else {
                int split = i + run / 2;
                for (int k = j - 1; k >= i; k--) {
                    String w = text.writtenText(text.writtenTokenOf(k), text.writtenTokenOf(k));
                    if (w != null && w.matches(".*[.!?;:,]['\")\\]]*$")) {
                        split = k + 1;
                        break;
                    }
                }
                Arrays.fill(clipOf, i, split, before);
                Arrays.fill(clipOf, split, j, after);
            }
            i = j;
        }
        return note;
    }

    /**
     * The written tokens of words [first, last] after which the speaker paused at least {@code minPause} seconds: both
     * neighbours heard in the same clip ({@code clipOf}), the gap between the end of one and the start of the next,
     * and a boundary between two written tokens (not inside "$20").
     */
    static java.util.Set<Integer> pausesAfter(TranscriptWords text, int first, int last, int[] clipOf,
                                              RecognizedWord[] heardAs, double minPause) {
        java.util.Set<Integer> pauses = new java.util.HashSet<>();
        if (minPause <= 0) return pauses;
        for (int k = first; k < last; k++) {
            RecognizedWord a = heardAs[k];
            RecognizedWord b = heardAs[k + 1];
            if (a == null || b == null || clipOf[k] != clipOf[k + 1]) continue;
            if (text.writtenTokenOf(k) == text.writtenTokenOf(k + 1)) continue;
            if (b.start() - a.end() >= minPause) pauses.add(text.writtenTokenOf(k));
        }
        return pauses;
    }

    private LabelResult clipLabels(TranscriptWords text, int clipCount, int[] clipOf, boolean[] exact,
                                   RecognizedWord[] heardAs, List<List<RecognizedWord>> heard, String uploadNote) {
        List<ClipLabel> labels = new ArrayList<>(clipCount);
        int lastTokenUsed = -1;
        int w = 0;
        for (int c = 0; c < clipCount; c++) {
            while (w < clipOf.length && clipOf[w] >= 0 && clipOf[w] < c) w++;
            int first = -1;
            int last = -1;
            int exactWords = 0;
            for (int k = w; k < clipOf.length && (clipOf[k] < 0 || clipOf[k] <= c); k++) {
                if (clipOf[k] != c) continue;
                if (first < 0) first = k;
                last = k;
                if (exact[k]) exactWords++;
            }
            int heardWords = heard.get(c).size();
            if (first < 0) {
                labels.add(heardWords >= 2 ? ClipLabel.none(String.format(Locale.ROOT,
                        "%d words heard in this clip are not in the transcript", heardWords)) : ClipLabel.none(null));
                continue;
            }
            int firstToken = Math.max(text.writtenTokenOf(first), lastTokenUsed + 1);
            int lastToken = text.writtenTokenOf(last);
            if (lastToken < firstToken) { // every word of this clip belongs to a token the previous clip took
                labels.add(ClipLabel.none("its words belong to a written token of the previous clip"));
                continue;
            }
            lastTokenUsed = lastToken;
            int words = last - first + 1;
            double confidence = exactWords / (double) Math.max(words, heardWords);
            // the text as written, with a comma where the speaker paused and the writer put nothing
            String clipText = text.writtenText(firstToken, lastToken,
                    pausesAfter(text, first, last, clipOf, heardAs, settings.pauseMarkSeconds()));
            if (confidence < settings.minClipAlignment()) {
                labels.add(new ClipLabel(clipText, LabelSource.ALIGNED, round(confidence), String.format(Locale.ROOT,
                        "low alignment confidence %.2f: %d of its %d words heard as written (%d words heard);"
                                + " held back from training until a person confirms or fixes the text, unless the voice"
                                + " has little confirmed text (under 30 s by default)",
                        confidence, exactWords, words, heardWords), false));
            } else {
                labels.add(new ClipLabel(clipText, LabelSource.ALIGNED, round(confidence), null, true));
            }
        }
        return new LabelResult(labels, uploadNote);
    }

    /**
     * Edit-distance alignment of the transcript words with the words heard; per transcript word the index of the
     * heard word it is aligned with (equal or substituted), or -1 when the recogniser did not hear it.
     */
    static int[] align(List<String> ref, List<String> hyp) {
        int n = ref.size();
        int m = hyp.size();
        int[] prev = new int[m + 1];
        int[] cur = new int[m + 1];
        byte[] back = new byte[(n + 1) * (m + 1)]; // 0 diagonal, 1 up (deletion of ref), 2 left (insertion)
        for (int j = 0; j <= m; j++) {
            prev[j] = j;
            back[j] = 2;
        }
        for (int i = 1; i <= n; i++) {
            cur[0] = i;
            back[i * (m + 1)] = 1;
            String r = ref.get(i - 1);
            for (int j = 1; j <= m; j++) {
                int diag = prev[j - 1] + (r.equals(hyp.get(j - 1)) ? 0 : 1);
                int up = prev[j] + 1;
                int left = cur[j - 1] + 1;
                int best = diag;
                byte b = 0;
                if (up < best) {
                    best = up;
                    b = 1;
                }
                if (left < best) {
                    best = left;
                    b = 2;
                }
                cur[j] = best;
                back[i * (m + 1) + j] = b;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        int[] out = new int[n];
        Arrays.fill(out, -1);
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            byte b = i == 0 ? 2 : j == 0 ? 1 : back[i * (m + 1) + j];
            if (b == 0) {
                out[i - 1] = j - 1;
                i--;
                j--;
            } else if (b == 1) {
                i--;
            } else {
                j--;
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
