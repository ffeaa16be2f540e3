package org.lit.cli;

import org.lit.train.LossPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** lit plot RUN: RUN/loss.png from RUN/metrics.jsonl. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "Draw a run's loss curves (loss, mse, vb) to RUN/loss.png.")
final class PlotCommand implements Runnable {
    @Parameters(paramLabel = "RUN", description = "run directory")
    Path run;

    @Override
    public void run() {
        Path metrics = run.resolve("metrics.jsonl");
        if (!Files.isRegularFile(metrics)) throw new IllegalArgumentException("no metrics at " + metrics);
        Path png = run.resolve("loss.png");
        try (OutputStream out = Files.newOutputStream(png)) {
            LossPlot.draw(Files.readAllLines(metrics), run.getFileName() + ": training loss", out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot plot " + metrics + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + png);
    }
}
