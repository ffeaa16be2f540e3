package org.lit.train.data;

import org.lit.core.config.ModelConfig;

/** Opens the run's data source from the `data` block and checks it against the model and the batch. */
public final class TrainingSources {
    private TrainingSources() {
    }

    public static TrainingData open(DataConfig data, ModelConfig model, int globalBatch) {
        TrainingData source = data.latentSpace() ? new LatentShardData(data, model) : new PixelFolderData(data, model);
        try {
            if (source.classes().size() > model.numClasses()) {
                throw new IllegalArgumentException(data.location() + " has " + source.classes().size() + " classes but model.num-classes is " + model.numClasses());
            }
            if (source.size() < globalBatch) {
                throw new IllegalArgumentException(data.location() + " has " + source.size() + " samples, fewer than train.global-batch " + globalBatch);
            }
            return source;
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }
}
