package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.voxpipe.text.TextFrontend;
import dev.voxpipe.text.TextFrontendException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API's language check and the synthesis text frontend accept the same codes. */
class LanguagesTest {

    @Test
    void everyCodeTheApiAcceptsIsReadByTheTextFrontend() {
        for (String code : Languages.SUPPORTED) {
            assertDoesNotThrow(() -> TextFrontend.forLanguage(code), code);
            assertDoesNotThrow(() -> TextFrontend.forLanguage(code.toUpperCase()), code);
        }
    }

    @Test
    void codesTheTextFrontendRefusesAreRefusedByTheApi() {
        for (String code : List.of("xx", "fr", "en-GB", "de-DE", "klingon", " en", "en\u0000")) {
            assertThrows(TextFrontendException.class, () -> TextFrontend.forLanguage(code), code);
            assertFalse(Languages.supported(code), code);
            ApiException e = assertThrows(ApiException.class, () -> Languages.require(code, "language"), code);
            org.junit.jupiter.api.Assertions.assertEquals(422, e.status());
        }
        assertFalse(Languages.supported(null));
    }
}
