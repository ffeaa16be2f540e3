package org.lit.train.data;

import org.lit.core.Chunks;
import org.lit.core.config.ModelConfig;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.lit.data.latents.LatentShards;
import org.lit.data.latents.Prefetcher;
import org.lit.data.latents.Sample;
import org.lit.train.SampleDraws;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Latent-space training on shards written by `lit encode`: each step draws a fresh sample of the
 * VAE posterior, (mean + std * eps) * scaling_factor, of the image or its stored flip, with eps
 * and the flip from the sample's draws (DiT encodes online and samples the posterior every step).
 * Reads are positioned reads started a step ahead, so the step rarely waits on storage.
 */
final class LatentShardData implements TrainingData {
    private static final Logger LOG = LoggerFactory.getLogger(LatentShardData.class);

    private final LatentShards shards;
    private final Prefetcher reads;
    private final DataConfig data;
    private final long[] shape;
    private final int plane;
    private final float scaling;
    private final Map<Integer, CompletableFuture<Sample[]>> pending = new HashMap<>();
    private AutoencoderKL vae;
    private boolean vaeTried;

    LatentShardData(DataConfig data, ModelConfig model) {
        this.data = data;
        try {
            this.shards = LatentShards.open(data.latents());
        } catch (IOException e) {
            throw new UncheckedIOException("data.latents " + data.latents() + ": " + e.getMessage(), e);
        }
        long[] s = shards.latentShape().stream().mapToLong(Integer::longValue).toArray();
        if (model.inChannels() != s[0] || model.inputSize() != s[1]) {
            shards.close();
            throw new IllegalArgumentException(data.latents() + " holds latents of shape " + Arrays.toString(s) + " (C, h, w) but the model takes model.in-channels = "
                    + model.inChannels() + ", model.input-size = " + model.inputSize() + ": set them to " + s[0] + " and " + s[1]);
        }
        this.shape = s;
        this.plane = (int) (s[0] * s[1] * s[2]);
        this.scaling = (float) shards.scalingFactor();
        this.reads = new Prefetcher(shards, data.readThreads());
    }

    @Override
    public int size() {
        return shards.size();
    }

    @Override
    public List<String> classes() {
        return shards.classes();
    }

    @Override
    public int label(int index) {
        return shards.label(index);
    }

    @Override
    public long[] sampleShape() {
        return shape.clone();
    }

    @Override
    public void prefetch(int[] indices) {
        int[] wanted = Arrays.stream(indices).filter(i -> !pending.containsKey(i)).toArray();
        if (wanted.length == 0) return;
        CompletableFuture<Sample[]> batch = reads.fetch(wanted);
        for (int k = 0; k < wanted.length; k++) {
            int at = k;
            pending.put(wanted[k], batch.thenApply(samples -> new Sample[] {samples[at]}));
        }
    }

    @Override
    public float[] x0(int index, SampleDraws draws) {
        CompletableFuture<Sample[]> read = pending.remove(index);
        Sample s = read == null ? reads.read(new int[] {index})[0] : reads.take(read)[0];
        return s.latent(data.flip() && draws.flip(), draws.posteriorEps(plane), scaling);
    }

    @Override
    public double waitedSeconds() {
        return reads.waitedSeconds();
    }

    /** The VAE of data.vae, else the one index.json names; without one the grid is skipped (one warning). */
    @Override
    public boolean showsSamples() {
        if (!vaeTried) {
            vaeTried = true;
            String file = data.vae().isBlank() ? shards.vae().file() : data.vae();
            try {
                vae = AutoencoderKL.load(VaeFiles.local(file));
            } catch (RuntimeException e) {
                LOG.warn("no sample grids for this latent run: cannot read the VAE {} ({}); set data.vae to decode them", file, e.getMessage());
            }
        }
        return vae != null;
    }

    @Override
    public INDArray pixels(INDArray samples) {
        return Chunks.apply(samples, 4, vae::decode);        // the grid's 64 samples at once would need gigabytes at 256px
    }

    @Override
    public boolean clipDenoised() {
        return false;
    }

    @Override
    public void close() {
        reads.close();
        shards.close();
    }
}
