package dev.voxpipe.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How the small shipped models ({@link PitchModel}, {@link AperiodicityModel}) are stored: {@code config.properties}
 * (sizes and input normalisation), {@code params.bin} ({@link ParamStore}) and {@code info.txt} (the training run's
 * recipe and scores), in a folder or under a classpath resource prefix.
 */
record ModelFiles(Properties config, ParamStore params, String info) {
    static final String CONFIG = "config.properties";
    static final String PARAMS = "params.bin";
    static final String INFO = "info.txt";

    /** Whether a model's parameters are on the classpath under {@code resource} (ending in "/"). */
    static boolean onClasspath(String resource) {
        return ModelFiles.class.getResource(resource + PARAMS) != null;
    }

    static ModelFiles fromClasspath(String resource, String what) throws IOException {
        try (InputStream props = ModelFiles.class.getResourceAsStream(resource + CONFIG);
             InputStream bin = ModelFiles.class.getResourceAsStream(resource + PARAMS);
             InputStream inf = ModelFiles.class.getResourceAsStream(resource + INFO)) {
            if (props == null || bin == null) throw new IllegalStateException("no " + what + " on the classpath at " + resource);
            Properties p = new Properties();
            p.load(props);
            return new ModelFiles(p, ParamStore.read(bin), inf == null ? "" : new String(inf.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static ModelFiles fromFolder(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(CONFIG))) {
            p.load(in);
        }
        try (InputStream bin = Files.newInputStream(dir.resolve(PARAMS))) {
            return new ModelFiles(p, ParamStore.read(bin),
                    Files.isRegularFile(dir.resolve(INFO)) ? Files.readString(dir.resolve(INFO)) : "");
        }
    }

    void write(Path dir, String comment) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve(CONFIG))) {
            config.store(out, comment);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(PARAMS))) {
            params.write(out);
        }
        Files.writeString(dir.resolve(INFO), info);
    }

    int intSetting(String key) {
        return Integer.parseInt(config.getProperty(key));
    }

    float floatSetting(String key) {
        return Float.parseFloat(config.getProperty(key));
    }
}
