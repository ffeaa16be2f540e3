package org.lit.core.config;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigsTest {
    @TempDir
    Path dir;

    private Path conf(String text) throws Exception {
        Path p = dir.resolve("run.conf");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aNameFillsInItsFamily() {
        ModelConfig lit = ModelConfigs.named("LiT-XL/2");
        assertEquals(28, lit.depth());
        assertEquals(1152, lit.hiddenSize());
        assertEquals(2, lit.patchSize());
        assertEquals(AttentionConfig.Kind.LINEAR, lit.attention().kind());
        assertEquals(4, lit.attentionHeads());
        assertEquals(5, lit.attention().kernelSize());
        assertEquals(3, ModelConfigs.named("LiT-B/4").attentionHeads());
        assertEquals(2, ModelConfigs.named("LiT-S/8").attentionHeads());
        ModelConfig dit = ModelConfigs.named("DiT-B/4");
        assertEquals(AttentionConfig.Kind.SOFTMAX, dit.attention().kind());
        assertEquals(12, dit.attentionHeads());
        assertEquals(4, dit.patchSize());
        assertEquals(8, dit.outChannels());
    }

    @Test
    void explicitKeysAndOverridesWin() throws Exception {
        Config c = Configs.load(conf("model { name = \"LiT-S/2\", depth = 3, attention.heads = 6 }"),
                List.of("model.hidden-size=192", "model.input-size=64", "model.name=LiT-B/2"));
        ModelConfig m = ModelConfigs.fromConfig(c);
        assertEquals("LiT-B/2", m.name());
        assertEquals(3, m.depth());
        assertEquals(192, m.hiddenSize());
        assertEquals(6, m.attentionHeads());
        assertEquals(64, m.inputSize());
        assertEquals(1024, m.tokens());
    }

    @Test
    void typosWrongTypesAndImpossibleShapesNameTheKey() throws Exception {
        ConfigError unknownModelKey = assertThrows(ConfigError.class, () -> ModelConfigs.fromConfig(Configs.load(conf("model.hiden-size = 8"), List.of())));
        assertEquals("model.hiden-size", unknownModelKey.key());
        assertTrue(unknownModelKey.getMessage().contains("hidden-size"), unknownModelKey.getMessage());

        ConfigError unknownSection = assertThrows(ConfigError.class, () -> Configs.load(conf("modle { depth = 2 }"), List.of()));
        assertEquals("modle", unknownSection.key());
        assertTrue(unknownSection.getMessage().contains("model"), unknownSection.getMessage());

        ConfigError wrongType = assertThrows(ConfigError.class, () -> ModelConfigs.fromConfig(Configs.load(null, List.of("model.depth=deep"))));
        assertEquals("model.depth", wrongType.key());
        assertTrue(wrongType.getMessage().contains("integer"), wrongType.getMessage());

        ConfigError badName = assertThrows(ConfigError.class, () -> ModelConfigs.named("LiT-M/2"));
        assertTrue(badName.getMessage().contains("LiT-XL/2"), badName.getMessage());

        ConfigError heads = assertThrows(ConfigError.class, () -> ModelConfigs.fromConfig(Configs.load(null, List.of("model.attention.heads=5"))));
        assertEquals("model.attention.heads", heads.key());
        assertTrue(heads.getMessage().contains("384"), heads.getMessage());

        ConfigError patch = assertThrows(ConfigError.class, () -> ModelConfigs.fromConfig(Configs.load(null, List.of("model.input-size=30", "model.patch-size=4"))));
        assertEquals("model.input-size", patch.key());

        ConfigError kind = assertThrows(ConfigError.class, () -> ModelConfigs.fromConfig(Configs.load(null, List.of("model.attention.kind=focused"))));
        assertTrue(kind.getMessage().contains("softmax, linear"), kind.getMessage());

        assertThrows(ConfigError.class, () -> Configs.load(dir.resolve("missing.conf"), List.of()));
        assertThrows(ConfigError.class, () -> Configs.load(null, List.of("no-equals-sign")));
    }
}
