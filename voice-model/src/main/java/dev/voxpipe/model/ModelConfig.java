package dev.voxpipe.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;

/**
 * Sizes of the acoustic model and the feature definition it was trained on. Stored next to the
 * weights so that a checkpoint describes itself.
 *
 * @param vocabSize     number of input token ids (see {@link CharTokenizer})
 * @param channels      hidden width of the text encoder and the decoder
 * @param speakerDim    size of the speaker (timbre) embedding
 * @param encoderLayers residual conv layers of the text encoder
 * @param decoderLayers residual FiLM-conditioned conv layers of the decoder
 * @param durationChannels width of the duration predictor
 * @param melBins       log-mel bins produced (100, the feature stage's definition)
 * @param melMean       scalar normalisation of log-mels (x - mean) / std, measured on the corpus
 * @param melStd        see melMean
 * @param input         what the token ids are: graphemes (v1) or phonemes (v2)
 * @param prosody       whether the model predicts per-frame log-F0, voicing and energy and decodes from them
 *                      ({@link AcousticModel#variance}); v1 has none
 * @param varianceLayers   residual convolutions of the prosody predictor (2 up to v2.2: 13 frames of context)
 * @param prosodyPositions whether the prosody predictor also reads where each frame stands in its utterance and in
 *                         its phoneme ({@link AcousticModel#positions}); none up to v2.2
 */
public record ModelConfig(int vocabSize, int channels, int speakerDim, int encoderLayers, int decoderLayers,
                          int durationChannels, int melBins, float melMean, float melStd, Input input,
                          boolean prosody, int varianceLayers, boolean prosodyPositions) {

    public ModelConfig {
        if (varianceLayers < 1 || varianceLayers > 8) {
            throw new IllegalArgumentException("the prosody predictor has 1..8 layers, not " + varianceLayers);
        }
    }

    public ModelConfig(int vocabSize, int channels, int speakerDim, int encoderLayers, int decoderLayers,
                       int durationChannels, int melBins, float melMean, float melStd, Input input, boolean prosody) {
        this(vocabSize, channels, speakerDim, encoderLayers, decoderLayers, durationChannels, melBins, melMean,
                melStd, input, prosody, 2, false);
    }

    /** What the model reads. A checkpoint without the setting is a grapheme (v1) model. */
    public enum Input {
        /** {@link CharTokenizer}: English letters. */
        CHARACTERS,
        /** {@link PhonemeTokenizer}: the text frontend's phonemes (English, Mandarin) and IPA for pretraining. */
        PHONEMES
    }

    public ModelConfig(int vocabSize, int channels, int speakerDim, int encoderLayers, int decoderLayers,
                       int durationChannels, int melBins, float melMean, float melStd) {
        this(vocabSize, channels, speakerDim, encoderLayers, decoderLayers, durationChannels, melBins, melMean,
                melStd, Input.CHARACTERS, false);
    }

    /** Input ids (blanks interleaved) of a text, with the tokenizer this model was trained on. */
    public int[] tokens(String text) {
        return input == Input.PHONEMES ? PhonemeTokenizer.encode(text) : CharTokenizer.encode(text);
    }

    public static final int SPEAKER_DIM = 256;

    /**
     * The shipped base model's size: about 1.1 M parameters, so that an hour on a share of two busy
     * CPU cores gives a few thousand steps.
     */
    public static ModelConfig base() {
        return new ModelConfig(CharTokenizer.VOCAB_SIZE, 128, SPEAKER_DIM, 3, 4, 96, 100, -6f, 3f);
    }

    /**
     * The v2 base: phoneme input (512 ids) and a text encoder whose dilations reach across a sentence (about 80
     * symbols), same widths as v1.
     */
    public static ModelConfig phonemeBase() {
        return new ModelConfig(PhonemeTokenizer.VOCAB_SIZE, 128, SPEAKER_DIM, 6, 4, 96, 100, -6f, 3f, Input.PHONEMES,
                false);
    }

    /** The same model with or without the prosody predictor. */
    public ModelConfig withProsody(boolean on) {
        return new ModelConfig(vocabSize, channels, speakerDim, encoderLayers, decoderLayers, durationChannels,
                melBins, melMean, melStd, input, on, varianceLayers, prosodyPositions);
    }

    /** The same model with another decoder depth (the shipped v2.2 base has 8 layers, v2 had 4). */
    public ModelConfig withDecoderLayers(int layers) {
        if (layers < 1 || layers > 64) throw new IllegalArgumentException("decoder layers must be 1..64, not " + layers);
        return new ModelConfig(vocabSize, channels, speakerDim, encoderLayers, layers, durationChannels,
                melBins, melMean, melStd, input, prosody, varianceLayers, prosodyPositions);
    }

    /**
     * The same model with another prosody predictor: {@code layers} residual convolutions, and whether it reads the
     * frames' positions.
     */
    public ModelConfig withProsodyPredictor(int layers, boolean positions) {
        return new ModelConfig(vocabSize, channels, speakerDim, encoderLayers, decoderLayers, durationChannels,
                melBins, melMean, melStd, input, prosody, layers, positions);
    }

    /** A tiny model for unit tests (a few seconds per hundred steps). */
    public static ModelConfig tiny() {
        return new ModelConfig(CharTokenizer.VOCAB_SIZE, 32, SPEAKER_DIM, 2, 2, 16, 100, -6f, 3f);
    }

    /** A tiny model reading the given input. */
    public static ModelConfig tiny(Input input) {
        return input == Input.PHONEMES
                ? new ModelConfig(PhonemeTokenizer.VOCAB_SIZE, 32, SPEAKER_DIM, 2, 2, 16, 100, -6f, 3f, input, false)
                : tiny();
    }

    public ModelConfig withNormalisation(float mean, float std) {
        return new ModelConfig(vocabSize, channels, speakerDim, encoderLayers, decoderLayers, durationChannels,
                melBins, mean, std, input, prosody, varianceLayers, prosodyPositions);
    }

    public void write(OutputStream out) throws IOException {
        Properties p = new Properties();
        p.setProperty("vocabSize", "" + vocabSize);
        p.setProperty("channels", "" + channels);
        p.setProperty("speakerDim", "" + speakerDim);
        p.setProperty("encoderLayers", "" + encoderLayers);
        p.setProperty("decoderLayers", "" + decoderLayers);
        p.setProperty("durationChannels", "" + durationChannels);
        p.setProperty("melBins", "" + melBins);
        p.setProperty("melMean", "" + melMean);
        p.setProperty("melStd", "" + melStd);
        p.setProperty("input", input.name().toLowerCase(java.util.Locale.ROOT));
        p.setProperty("prosody", "" + prosody);
        p.setProperty("varianceLayers", "" + varianceLayers);
        p.setProperty("prosodyPositions", "" + prosodyPositions);
        p.store(out, "voxpipe acoustic model configuration");
    }

    public static ModelConfig read(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        return new ModelConfig(i(p, "vocabSize"), i(p, "channels"), i(p, "speakerDim"), i(p, "encoderLayers"),
                i(p, "decoderLayers"), i(p, "durationChannels"), i(p, "melBins"),
                Float.parseFloat(p.getProperty("melMean")), Float.parseFloat(p.getProperty("melStd")),
                Input.valueOf(p.getProperty("input", "characters").trim().toUpperCase(java.util.Locale.ROOT)),
                Boolean.parseBoolean(p.getProperty("prosody", "false").trim()),
                Integer.parseInt(p.getProperty("varianceLayers", "2").trim()),
                Boolean.parseBoolean(p.getProperty("prosodyPositions", "false").trim()));
    }

    private static int i(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("model config lacks " + key);
        }
        return Integer.parseInt(v.trim());
    }
}
