package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code GET /v1/dead-letters}: the tenant's dead letters (issue 17), oldest first, optionally of one voice: which
 * stage gave up on which record (topic, partition, offset, key) and why. Another tenant's letters are never listed,
 * nor a deleted voice's; letters with no tenant are for the operator ({@code ./voxpipe dlq list}).
 */
final class DeadLetterApi {

    private final Services services;
    private final Views views;

    DeadLetterApi(Services services) {
        this.services = services;
        this.views = services.views();
    }

    void list(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        int limit = Requests.pageSize(ctx, services.settings().defaultPageSize(), services.settings().maxPageSize());
        String voiceId = ctx.request().getParam("voiceId");
        if (voiceId != null) Requests.voice(views, principal, voiceId); // 404 for another tenant's voice
        String after = ctx.request().getParam("after");
        String prefix = "t/" + principal.tenantId() + "/";
        if (after != null && !after.matches("\\d{13}/\\d+-\\d+")) throw ApiException.invalid("after must be a cursor from a previous page", new JsonObject());
        JsonArray items = new JsonArray();
        String last = null;
        String from = after == null ? null : prefix + after;
        boolean more = false;
        scanning:
        while (true) {
            var page = views.scan(ViewStores.DEAD_LETTERS, prefix, from, 500);
            for (Map.Entry<String, String> e : page) {
                from = e.getKey();
                JsonObject letter = new JsonObject(e.getValue());
                if (voiceId != null && !voiceId.equals(letter.getString("voiceId"))) continue;
                // a deleted voice's letters are gone for the API, like everything else of it
                String letterVoice = letter.getString("voiceId");
                if (letterVoice != null && views.get(ViewStores.VOICES, "v/" + letterVoice).isEmpty()) continue;
                if (items.size() == limit) {
                    more = true;
                    break scanning;
                }
                letter.remove("tenantId");
                items.add(letter);
                last = e.getKey().substring(prefix.length());
            }
            if (page.size() < 500) break;
        }
        Requests.json(ctx, 200, new JsonObject().put("items", items).put("next", more ? last : null));
    }
}
