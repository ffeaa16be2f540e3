package org.lit.train;

import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.Sampler;
import org.lit.core.image.SampleGrid;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.train.data.TrainingData;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What a run shows of itself as it trains: 8 samples of each class (at most 8 classes, spread
 * over the labels: ImageNet has 1000) from the EMA weights, DDIM or DDPM (train.sample-sampler) from
 * noise fixed by the seed, guided by train.sample-cfg-scale, turned into images as the data source
 * shows its samples.
 */
final class TrainingGrid {
    private static final int PER_CLASS = 8;

    private TrainingGrid() {
    }

    /** Writes the grid's PNG (the data source must show samples: {@link TrainingData#showsSamples()}). */
    static void write(ModelConfig model, INDArray emaWeights, TrainingData data, TrainConfig train, OutputStream png) throws IOException {
        DiffusionTransformer emaModel = new DiffusionTransformer(model, DataType.FLOAT);
        emaModel.parameters().values().assign(emaWeights);
        int classes = data.classes().size(), rows = Math.min(8, classes);
        int[] y = new int[rows * PER_CLASS];
        for (int i = 0; i < y.length; i++) y[i] = (int) ((long) (i / PER_CLASS) * classes / rows);
        INDArray x = Sampler.noise(train.seed(), y.length, model);
        Sampler.Options how = new Sampler.Options(train.sampleDdpm(), train.sampleCfgScale(), data.clipDenoised(), train.seed());
        INDArray samples = Sampler.run(emaModel, GaussianDiffusion.respaced(train.sampleRespacing()), x, y, how);
        SampleGrid.write(data.pixels(samples), PER_CLASS, png);
    }
}
