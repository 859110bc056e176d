package dev.voxpipe.core.blob;

import java.io.FileNotFoundException;

public final class NoSuchBlobException extends FileNotFoundException {
    public NoSuchBlobException(String key, String store) {
        super("no blob '" + key + "' in " + store);
    }
}
