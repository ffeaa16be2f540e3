package org.lit.data.latents;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Optional;

/**
 * Whether a shard is done: its completion record exists and the shard matches it (length, then
 * SHA-256 of every byte). The encode job asks this of every partition on a re-run and redoes the
 * ones that are not, so a task or driver killed at any point costs only its unfinished shards.
 */
public final class ShardVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ShardVerifier.class);

    private ShardVerifier() {
    }

    /**
     * The record of shard `partition` in dir if the shard is complete and intact; empty when it has
     * no record (never finished: quietly) or when it does not match its record (a WARN names the
     * file and why).
     */
    public static Optional<ShardRecord> verified(FileSystem fs, Path dir, int partition) {
        Path recordPath = ShardRecord.recordPath(dir, partition);
        Path shard = new Path(dir, ShardRecord.shardName(partition));
        try {
            if (!fs.exists(recordPath)) {
                LOG.debug("{} has no completion record: to be written", shard);
                return Optional.empty();
            }
            ShardRecord record = ShardRecord.read(fs, recordPath);
            if (!record.name().equals(shard.getName())) return bad(shard, "its completion record names " + record.name());
            FileStatus status;
            try {
                status = fs.getFileStatus(shard);
            } catch (FileNotFoundException e) {
                return bad(shard, "missing, though its completion record exists");
            }
            if (status.getLen() != record.bytes()) return bad(shard, status.getLen() + " bytes, its completion record says " + record.bytes());
            String actual;
            try (FSDataInputStream in = fs.open(shard)) {
                actual = Sha256.of(in);
            }
            if (!actual.equals(record.sha256())) return bad(shard, "SHA-256 " + actual + " differs from its completion record's " + record.sha256());
            return Optional.of(record);
        } catch (IOException | RuntimeException e) {
            return bad(shard, "cannot be checked: " + e.getMessage());
        }
    }

    private static Optional<ShardRecord> bad(Path shard, String why) {
        LOG.warn("shard {} is damaged and will be written again: {}", shard, why);
        return Optional.empty();
    }
}
