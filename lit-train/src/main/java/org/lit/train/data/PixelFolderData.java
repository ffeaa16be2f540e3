package org.lit.train.data;

import org.lit.core.config.ModelConfig;
import org.lit.data.ImageFolder;
import org.lit.train.SampleDraws;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Pixel-space training on an image folder (the demo): x0 is the image, flipped as drawn. */
final class PixelFolderData implements TrainingData {
    private final ImageFolder folder;
    private final DataConfig data;

    PixelFolderData(DataConfig data, ModelConfig model) {
        if (model.inChannels() != 3 || model.inputSize() != data.imageSize()) {
            throw new IllegalArgumentException("pixel-space training reads RGB images: set model.in-channels = 3 and model.input-size = data.image-size ("
                    + data.imageSize() + "), or train on latents (data.latents)");
        }
        this.data = data;
        this.folder = new ImageFolder(java.nio.file.Path.of(data.path()), data.imageSize());
    }

    @Override
    public int size() {
        return folder.size();
    }

    @Override
    public List<String> classes() {
        return folder.classes();
    }

    @Override
    public int label(int index) {
        return folder.label(index);
    }

    @Override
    public long[] sampleShape() {
        return new long[] {3, data.imageSize(), data.imageSize()};
    }

    @Override
    public float[] x0(int index, SampleDraws draws) {
        return folder.image(index, data.flip() && draws.flip());
    }

    @Override
    public INDArray pixels(INDArray samples) {
        return samples;
    }

    @Override
    public boolean clipDenoised() {
        return true;
    }
}
