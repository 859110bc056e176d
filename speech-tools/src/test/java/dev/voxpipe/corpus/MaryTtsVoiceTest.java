package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaryTtsVoiceTest {
    @Test
    void jtokModulesAreRemovedFromMaryConfigs() {
        MaryTtsVoice.removeJtokModules();
        for (marytts.config.MaryConfig c : marytts.config.MaryConfig.getConfigs()) {
            String list = c.getProperties().getProperty("modules.classes.list");
            if (list != null) assertFalse(list.contains("JTokeniser"), list);
        }
    }

    @Test
    void tokensXmlComesFromOurNormaliser() {
        String xml = MaryTtsVoice.tokensXml("Dr. Smith paid $5 & left.");
        assertTrue(xml.contains("<t>Doctor</t><t>Smith</t><t>paid</t><t>five</t><t>dollars</t><t>and</t><t>left</t><t>.</t>"), xml);
    }
}
