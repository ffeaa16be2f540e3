package org.lit.eval;

import org.lit.core.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/** lit-eval's fixtures for other modules' tests too (its test-jar). */
public final class EvalFixtures {
    private EvalFixtures() {
    }

    /**
     * The real-size FID Inception with the patterned weights of make_inception_parity_fixtures.py, as
     * pytorch-fid ships its weights (the legacy torch.save format, num_batches_tracked included);
     * stored gzipped (0.8 MB, 96 MB unpacked).
     */
    public static Path inceptionPth() {
        return gunzip(Fixtures.file("inception/inception_fid_random.pth.gz"));
    }

    /**
     * The same network as ADM ships its own: a GraphDef with the real node names, ops and batch-norm attrs,
     * written from the .pth by tools/reference/inception_to_graphdef.py; gzipped (1.1 MB, 96 MB unpacked).
     */
    public static Path inceptionPb() {
        return gunzip(Fixtures.file("inception/inception_fid_random.pb.gz"));
    }

    public static Path gunzip(Path gz) {
        Path out = gz.resolveSibling(gz.getFileName().toString().replaceFirst("\\.gz$", ""));
        if (Files.exists(out)) return out;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Path tmp = Files.createTempFile(out.getParent(), "unpacking", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
