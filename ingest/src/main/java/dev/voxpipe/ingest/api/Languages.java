package dev.voxpipe.ingest.api;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * The language codes the synthesis text frontend reads ({@code TextFrontend.forLanguage} in
 * text-frontend; {@code LanguagesTest} keeps the two in step). A request with any other code is
 * refused with 422 at the API instead of failing later in the splitter.
 */
public final class Languages {

    public static final Set<String> SUPPORTED = Set.of("en", "en-us", "en_us", "eng", "zh", "zh-cn", "zh_cn", "cmn", "auto");

    private Languages() {}

    public static boolean supported(String code) {
        return code != null && SUPPORTED.contains(code.toLowerCase(Locale.ROOT));
    }

    /** {@code code} if supported; otherwise a 422 naming the field and the accepted codes. */
    static String require(String code, String field) {
        if (!supported(code)) {
            throw ApiException.invalid("'" + field + "' must be one of en, zh (or cmn), auto; '" + Errors.printable(code) + "' is not supported",
                    new JsonObject().put("field", field).put("supported", new io.vertx.core.json.JsonArray().add("en").add("zh").add("auto")));
        }
        return code;
    }
}
