package org.lit.eval.layers;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** The sweep side by side: one row of samples per strategy, its name (and FID, when measured) on the left. */
public final class SweepGrid {
    private static final int MARGIN = 8;

    private SweepGrid() {
    }

    /** A labelled row. */
    public record Row(String label, BufferedImage samples) {
    }

    public static BufferedImage image(List<Row> rows) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int labelWidth = 0, width = 0, height = 0;
        for (Row r : rows) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(r.label()));
            width = Math.max(width, r.samples().getWidth());
            height += r.samples().getHeight();
        }
        int left = labelWidth + 2 * MARGIN;
        BufferedImage grid = new BufferedImage(left + width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(Color.BLACK);
        int y = 0;
        for (Row r : rows) {
            int h = r.samples().getHeight();
            g.drawString(r.label(), MARGIN, y + (h + fm.getAscent() - fm.getDescent()) / 2);
            g.drawImage(r.samples(), left, y, null);
            y += h;
        }
        g.dispose();
        return grid;
    }
}
