package org.lit.eval.layers;

import org.lit.core.nn.ModelInputs;
import org.lit.core.Durations;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.StepScope;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** `lit layers similarity`: the block similarity matrix of a model over inputs, batch by batch. */
public final class LayerSimilarity {
    private static final Logger LOG = LoggerFactory.getLogger(LayerSimilarity.class);

    private LayerSimilarity() {
    }

    /** S over the inputs, batch rows at a time; a progress line (rate, ETA) every 10 s. */
    public static double[][] of(DiffusionTransformer model, ModelInputs inputs, int batch) {
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        BlockSimilarity s = new BlockSimilarity(model.config().depth());
        long start = System.nanoTime(), lastLog = start;
        for (int from = 0; from < inputs.size(); from += batch) {
            ModelInputs b = inputs.rows(from, Math.min(inputs.size(), from + batch));
            // The states of one batch live in the step workspace and are gone after it.
            try (MemoryWorkspace ws = StepScope.open()) {
                s.add(model.blockStates(b.x(), b.t(), b.y()));
            }
            long now = System.nanoTime();
            if (now - lastLog > 10_000_000_000L) {
                int done = from + b.size();
                double rate = done / ((now - start) / 1e9);
                LOG.info(String.format("similarity: %d/%d inputs  %.2f inputs/s  ETA %s", done, inputs.size(), rate, Durations.format((inputs.size() - done) / rate)));
                lastLog = now;
            }
        }
        return s.matrix();
    }
}
