package org.lit.train;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.lit.core.config.Configs;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.distill.DistillConfig;
import org.lit.train.data.DataConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every conf/*.conf loads with no unknown key; the LiT files hold the paper's distillation settings. */
class PaperConfigsTest {
    private static final Path CONF = Path.of("").toAbsolutePath().getParent().resolve("conf");

    @Test
    void everyConfigFileLoadsAndTheLitFilesCarryThePapersDistillation() throws Exception {
        List<Path> files;
        try (var s = Files.list(CONF)) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "conf/ has " + files);
        for (Path f : files) {
            Config c = Configs.load(f, List.of());
            ModelConfig student = ModelConfigs.fromConfig(c);
            if (!f.getFileName().toString().equals("demo.conf")) {
                DataConfig data = DataConfig.from(c);
                assertEquals("latents/imagenet" + (student.inputSize() * 8), data.latents(), "paper settings train on latents: " + f);
                assertEquals(4, student.inChannels(), f.toString());
            }
            if (!f.getFileName().toString().startsWith("lit-")) continue;
            DistillConfig d = DistillConfig.from(c, student);
            boolean at512 = f.getFileName().toString().endsWith("512.conf");
            assertEquals(at512 ? 1.0 : 0.5, d.lambda1(), f.toString());
            assertEquals(0.05, d.lambda2(), f.toString());
            assertEquals("DiT-XL/2", d.teacherModel().name(), f.toString());
            assertEquals(1152, d.teacherModel().hiddenSize(), f.toString());
            assertEquals(at512 ? 64 : 32, d.teacherModel().inputSize(), "the teacher sees the student's latents: " + f);
            assertEquals("init.safetensors", c.getString("train.init"), f.toString());
        }
    }
}
