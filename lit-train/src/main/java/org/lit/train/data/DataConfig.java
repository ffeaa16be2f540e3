package org.lit.train.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.lit.core.config.ConfigError;

/**
 * The resolved `data` block: exactly one of a pixel folder (path) or latent shards (latents);
 * the VAE that decodes sample grids of a latent run; read threads of the shard reader.
 */
public record DataConfig(String path, String latents, String vae, int imageSize, boolean flip, int readThreads) {

    public static DataConfig from(Config c) {
        try {
            DataConfig d = new DataConfig(c.getString("data.path"), c.getString("data.latents"), c.getString("data.vae"),
                    c.getInt("data.image-size"), c.getBoolean("data.flip"), c.getInt("data.read-threads"));
            d.validate();
            return d;
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("data", e.getMessage());
        }
    }

    public boolean latentSpace() {
        return !latents.isBlank();
    }

    /** Where the data is, for messages. */
    public String location() {
        return latentSpace() ? latents : path;
    }

    private void validate() {
        if (!path.isBlank() && !latents.isBlank()) {
            throw new ConfigError("data.latents", "data.path (\"" + path + "\") and data.latents (\"" + latents
                    + "\") are both set; a run reads either an image folder or latent shards: clear one");
        }
        if (path.isBlank() && latents.isBlank()) {
            throw new ConfigError("data.path", "no data: set data.path (an image folder <path>/<class>/*.png) or data.latents (shards written by lit encode)");
        }
        if (readThreads <= 0) throw new ConfigError("data.read-threads", "data.read-threads must be a positive integer, got " + readThreads);
    }
}
