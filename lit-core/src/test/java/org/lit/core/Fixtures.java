package org.lit.core;

import org.lit.core.config.AttentionConfig;
import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.Param;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/** Test fixtures written by tools/reference/make_fixtures.py, and the comparison the tests use. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The tiny configs of make_fixtures.py: input 8, patch 2, hidden 64, depth 2, 10 classes. */
    public static ModelConfig tiny(String kind) {
        boolean lit = kind.equals("lit");
        return new ModelConfig(lit ? "LiT-S/2" : "DiT-S/2", 8, 4, 2, 64, 2, 4, 4.0, 10, 0.1, true,
                new AttentionConfig(lit ? AttentionConfig.Kind.LINEAR : AttentionConfig.Kind.SOFTMAX, lit ? 2 : 4, 5));
    }

    /**
     * A freshly initialised tiny network (seed 5) whose adaLN and final layer are made non-zero,
     * N(0, 0.1) drawn from rng: at the reference init they are zero and most gradients would vanish.
     */
    public static DiffusionTransformer liveTiny(String kind, DataType type, SplittableRandom rng) {
        DiffusionTransformer m = new DiffusionTransformer(tiny(kind), type);
        m.parameters().initialize(5);
        for (Param p : m.parameters().params()) {
            if (p.name.contains("adaLN") || p.name.startsWith("final_layer")) {
                double[] v = new double[(int) p.length()];
                for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian() * 0.1;
                p.value().assign(Nd4j.create(v, p.shape, 'c').castTo(type));
            }
        }
        return m;
    }

    /** A fixture file copied out of the classpath to a real path (readers take paths). */
    public static Path file(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "lit-fixtures"));
            Path out = dir.resolve(name);
            Files.createDirectories(out.getParent());   // fixtures in subfolders (vae/config.json)
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |actual - expected| / max |expected|: the error relative to the tensor's scale. */
    public static double relativeError(INDArray actual, INDArray expected) {
        INDArray e = expected.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray a = actual.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(e.shape());
        double scale = Transforms.abs(e).maxNumber().doubleValue();
        double diff = Transforms.abs(a.sub(e)).maxNumber().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }
}
