package org.lit.train;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** loss, mse and vb against step from metrics.jsonl, as a PNG line chart with a log-scale y axis. */
public final class LossPlot {
    private static final String[] SERIES = {"loss", "mse", "vb"};
    private static final Color[] COLORS = {new Color(200, 40, 40), new Color(40, 90, 200), new Color(40, 150, 60)};

    private LossPlot() {
    }

    public static void draw(List<String> jsonLines, String title, OutputStream out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<double[]> rows = new ArrayList<>();                 // step, loss, mse, vb
        for (String line : jsonLines) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            double[] r = new double[4];
            r[0] = n.get("step").asDouble();
            for (int i = 0; i < 3; i++) r[i + 1] = n.has(SERIES[i]) ? n.get(SERIES[i]).asDouble() : Double.NaN;
            rows.add(r);
        }
        int w = 900, h = 520, left = 80, right = 30, top = 50, bottom = 60;
        // No line yet (every step so far skipped): empty axes, not an error at the end of a run.
        double x0 = rows.isEmpty() ? 0 : rows.get(0)[0], x1 = rows.isEmpty() ? 1 : Math.max(rows.get(rows.size() - 1)[0], x0 + 1);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double[] r : rows) {
            for (int i = 1; i < 4; i++) {
                if (r[i] > 0 && Double.isFinite(r[i])) {
                    lo = Math.min(lo, Math.log10(r[i]));
                    hi = Math.max(hi, Math.log10(r[i]));
                }
            }
        }
        if (lo > hi) {                                           // no finite positive value (every logged loss NaN): an empty decade
            lo = -1;
            hi = 0;
        }
        lo = Math.floor(lo);
        hi = Math.max(Math.ceil(hi), lo + 1);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(225, 225, 225));
        for (int d = (int) lo; d <= hi; d++) {
            int y = top + (int) ((hi - d) / (hi - lo) * (h - top - bottom));
            g.drawLine(left, y, w - right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString("1e" + d, 30, y + 5);
            g.setColor(new Color(225, 225, 225));
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        for (int k = 0; k <= 4; k++) {
            double step = x0 + (x1 - x0) * k / 4;
            int x = left + (int) ((step - x0) / (x1 - x0) * (w - left - right));
            g.drawString(String.valueOf(Math.round(step)), x - 12, h - bottom + 20);
        }
        g.drawString("step", w / 2 - 10, h - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 30);
        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < 3; i++) {
            g.setColor(COLORS[i]);
            int px = -1, py = -1;
            for (double[] r : rows) {
                if (!(r[i + 1] > 0) || !Double.isFinite(r[i + 1])) continue;
                int x = left + (int) ((r[0] - x0) / (x1 - x0) * (w - left - right));
                int y = top + (int) ((hi - Math.log10(r[i + 1])) / (hi - lo) * (h - top - bottom));
                if (px >= 0) g.drawLine(px, py, x, y);
                px = x;
                py = y;
            }
            g.drawString(SERIES[i], w - right - 150 + 50 * i, 30);
        }
        g.dispose();
        ImageIO.write(img, "png", out);
    }
}
