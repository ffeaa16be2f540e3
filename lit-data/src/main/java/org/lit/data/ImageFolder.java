package org.lit.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder: ROOT/<class>/<image>, classes in sorted order, images sorted within
 * each class. Images are decoded on demand to float CHW in [-1, 1] (ToTensor, Normalize(0.5, 0.5));
 * every image must already be size x size (the synthetic set is; ImageNet goes through the
 * ADM centre crop of the data pipeline).
 */
public final class ImageFolder {
    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final int size;

    public ImageFolder(Path root, int size) {
        this.size = size;
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("image folder not found: " + root);
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                int label = classes.size();
                classes.add(d.getFileName().toString());
                try (Stream<Path> imgs = Files.list(d)) {
                    for (Path f : imgs.filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g)$")).sorted().toList()) {
                        files.add(f);
                        labels.add(label);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no .png/.jpg images under " + root + "/<class>/");
    }

    public int size() {
        return files.size();
    }

    public List<String> classes() {
        return classes;
    }

    public int label(int index) {
        return labels.get(index);
    }

    /** Image index as float CHW in [-1, 1], optionally flipped left-right. */
    public float[] image(int index, boolean flip) {
        Path f = files.get(index);
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt image " + f + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IllegalArgumentException("corrupt or unsupported image " + f);
        if (img.getWidth() != size || img.getHeight() != size) {
            throw new IllegalArgumentException("image " + f + " is " + img.getWidth() + "x" + img.getHeight() + ", expected " + size + "x" + size);
        }
        float[] chw = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = img.getRGB(flip ? size - 1 - x : x, y);
                for (int c = 0; c < 3; c++) chw[(c * size + y) * size + x] = ((rgb >> (16 - 8 * c)) & 0xff) / 255f * 2f - 1f;
            }
        }
        return chw;
    }
}
