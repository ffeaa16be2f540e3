package org.lit.distill;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.lit.core.config.ConfigError;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;

import java.util.Map;

/** The `distill` block: the teacher and the weights of the two distillation terms. */
public record DistillConfig(String teacher, ModelConfig teacherModel, String teacherWeights, boolean teacherLabel, double lambda1, double lambda2) {

    /** The block, or null when no teacher is set (plain training). */
    public static DistillConfig from(Config c, ModelConfig student) {
        try {
            String teacher = c.getString("distill.teacher");
            if (teacher.isBlank()) return null;
            String weights = c.getString("distill.teacher-weights");
            if (!weights.equals("ema") && !weights.equals("model")) {
                throw new ConfigError("distill.teacher-weights", "distill.teacher-weights must be ema or model, got '" + weights + "'");
            }
            DistillConfig d = new DistillConfig(teacher, teacherModel(c, student), weights, c.getBoolean("distill.teacher-label"),
                    c.getDouble("distill.lambda1"), c.getDouble("distill.lambda2"));
            if (d.lambda1 < 0 || d.lambda2 < 0) throw new ConfigError("distill.lambda1", "distill.lambda1 and lambda2 must be >= 0");
            return d;
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("distill", e.getMessage());
        }
    }

    /**
     * The teacher's network: its family from teacher-model, what it sees (input size, channels,
     * classes, learned sigma) from the student, then teacher-overrides.
     */
    static ModelConfig teacherModel(Config c, ModelConfig student) {
        Map<String, Object> shared = Map.of("name", c.getString("distill.teacher-model"), "input-size", student.inputSize(),
                "in-channels", student.inChannels(), "num-classes", student.numClasses(), "learn-sigma", student.learnSigma(),
                "class-dropout", student.classDropout(), "mlp-ratio", student.mlpRatio());
        Config model = c.getConfig("distill.teacher-overrides").withFallback(ConfigFactory.parseMap(shared));
        ModelConfig t = ModelConfigs.fromConfig(model.atPath("model"));
        if (!t.learnSigma() || t.inChannels() != student.inChannels()) throw new ConfigError("distill.teacher-model", "the teacher must predict the student's outputs");
        return t;
    }
}
