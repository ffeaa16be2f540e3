package org.lit.data.encode;

import org.lit.data.latents.LatentDType;

import java.io.Serializable;

/**
 * One encode job: the image folder, the VAE, the crop side, where the shards go, their size and
 * dtype, the encoder's batch; killShard is fault injection for tests (that shard's task dies on its
 * first attempt, before writing), -1 for none.
 */
public record EncodeOptions(String images, String vae, int resolution, String out, double shardMb, LatentDType dtype, int batch,
                            int killShard) implements Serializable {
    public EncodeOptions {
        if (resolution <= 0) throw new IllegalArgumentException("--resolution must be positive, got " + resolution);
        if (shardMb <= 0) throw new IllegalArgumentException("--shard-mb must be positive, got " + shardMb);
        if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
    }
}
