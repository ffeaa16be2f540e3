package org.lit.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.lit.core.config.ConfigError;

import java.time.Duration;

/**
 * The data-parallel keys: how many workers, whether the job goes on with fewer when the cluster
 * cannot give it that many (and after how long), the all-reduce transport, its timeout and bucket
 * size, whether the gradient sum overlaps the backward, and the fault injection used by the tests
 * (kill one rank before a step, first attempt only).
 */
public record ParallelConfig(int workers, boolean elastic, Duration elasticWait, String transport, Duration timeout, long bucketBytes, boolean overlap,
                             int killRank, long killAtStep) {

    public static ParallelConfig from(Config c) {
        try {
            ParallelConfig p = new ParallelConfig(c.getInt("train.workers"), c.getBoolean("train.elastic"), c.getDuration("train.elastic-wait"),
                    c.getString("train.allreduce.transport"),
                    c.getDuration("train.allreduce.timeout"), (long) (c.getDouble("train.allreduce.bucket-mb") * (1 << 20)),
                    c.getBoolean("train.allreduce.overlap"), c.getInt("train.fault.kill-rank"), c.getLong("train.fault.at-step"));
            if (p.workers < 0) throw new ConfigError("train.workers", "train.workers must be 0 (one per task slot) or positive, got " + p.workers);
            if (p.elasticWait.isNegative()) throw new ConfigError("train.elastic-wait", "train.elastic-wait must not be negative, got " + p.elasticWait);
            if (p.timeout.isNegative() || p.timeout.isZero()) throw new ConfigError("train.allreduce.timeout", "train.allreduce.timeout must be positive, got " + p.timeout);
            if (p.bucketBytes <= 0) throw new ConfigError("train.allreduce.bucket-mb", "train.allreduce.bucket-mb must be positive, got "
                    + c.getValue("train.allreduce.bucket-mb").render());
            return p;
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new ConfigError("train", e.getMessage());
        }
    }

    /** Whether the injected fault kills this rank before this step (on the stage's first attempt only). */
    public boolean kills(int rank, long step, int attempt) {
        return attempt == 0 && rank == killRank && step == killAtStep;
    }
}
