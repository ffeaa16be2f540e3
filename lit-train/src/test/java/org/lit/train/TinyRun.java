package org.lit.train;

import com.typesafe.config.Config;
import org.lit.core.config.Configs;
import org.lit.core.io.Safetensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tiny pixel-space LiT (16 tokens, hidden 64, depth 2) on the synthetic shapes, for trainer tests. */
final class TinyRun {
    private TinyRun() {
    }

    static Config config(Path data, String... extra) {
        List<String> sets = new ArrayList<>(List.of("model.name=LiT-S/8", "model.input-size=32", "model.in-channels=3",
                "model.hidden-size=64", "model.depth=2", "model.num-classes=4", "data.path=\"" + data.resolve("train") + "\"",
                "train.global-batch=8", "train.micro-batch=8", "train.lr=1e-3", "train.ema-decay=0.9", "train.log-every=1",
                "train.checkpoint-every=3", "train.keep-checkpoints=5", "train.sample-steps=2"));
        sets.addAll(List.of(extra));
        return Configs.load(null, sets);
    }

    /** Settings a then b, for a run that adds to a shared list. */
    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Map<String, INDArray> tensors(Path run, long step, String file) {
        return Safetensors.read(run.resolve("checkpoints").resolve(Checkpoints.folderName(step)).resolve(file));
    }
}
