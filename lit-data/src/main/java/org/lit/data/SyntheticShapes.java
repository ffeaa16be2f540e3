package org.lit.data;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small class-conditional image set the project makes itself: one coloured shape per class on a
 * dark, slightly tinted background, near the centre, with random offset, size and shade. The shapes
 * stay large and near the centre so that a tiny model learns them within the demo's few minutes;
 * the jitter keeps it from memorising four pictures. Written as an
 * ImageNet-style folder DIR/train/<class>/<n>.png, deterministic for a seed.
 */
public final class SyntheticShapes {
    /** Class names, in label order (sorted, as ImageFolder orders them). */
    public static final List<String> CLASSES = List.of("0-red-disc", "1-green-square", "2-blue-triangle", "3-yellow-cross");

    private SyntheticShapes() {
    }

    public static void write(Path dir, int perClass, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int c = 0; c < CLASSES.size(); c++) {
            Path classDir = dir.resolve("train").resolve(CLASSES.get(c));
            try {
                Files.createDirectories(classDir);
                for (int i = 0; i < perClass; i++) ImageIO.write(draw(c, size, rng), "png", classDir.resolve(String.format("%04d.png", i)).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write synthetic images to " + classDir, e);
            }
        }
    }

    static BufferedImage draw(int cls, int size, SplittableRandom rng) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(rng.nextInt(10, 50), rng.nextInt(10, 50), rng.nextInt(10, 50)));
        g.fillRect(0, 0, size, size);
        int r = rng.nextInt(size / 4, size / 3 + 1);
        int jitter = size / 8;
        int cx = size / 2 + rng.nextInt(-jitter, jitter + 1), cy = size / 2 + rng.nextInt(-jitter, jitter + 1);
        int shade = rng.nextInt(180, 256);
        switch (cls) {
            case 0 -> {
                g.setColor(new Color(shade, 30, 30));
                g.fillOval(cx - r, cy - r, 2 * r, 2 * r);
            }
            case 1 -> {
                g.setColor(new Color(30, shade, 30));
                g.fillRect(cx - r, cy - r, 2 * r, 2 * r);
            }
            case 2 -> {
                g.setColor(new Color(40, 60, shade));
                g.fillPolygon(new int[] {cx, cx - r, cx + r}, new int[] {cy - r, cy + r, cy + r}, 3);
            }
            default -> {
                g.setColor(new Color(shade, shade, 30));
                g.setStroke(new BasicStroke(Math.max(2, r / 2f)));
                g.drawLine(cx - r, cy - r, cx + r, cy + r);
                g.drawLine(cx - r, cy + r, cx + r, cy - r);
            }
        }
        g.dispose();
        return img;
    }
}
