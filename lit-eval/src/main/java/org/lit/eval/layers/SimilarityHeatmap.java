package org.lit.eval.layers;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** similarity.png: S as a heatmap, block 0 at the top left, with a colour scale (XChart). */
public final class SimilarityHeatmap {
    public static final int WIDTH = 760;
    public static final int HEIGHT = 680;

    private SimilarityHeatmap() {
    }

    public static void write(double[][] s, String title, OutputStream out) throws IOException {
        int depth = s.length;
        List<Integer> columns = new ArrayList<>(), rows = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            columns.add(i);
            rows.add(depth - 1 - i);            // XChart draws its first row at the bottom
        }
        double min = 1;
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            for (int j = 0; j < depth; j++) {
                cells.add(new Number[] {j, depth - 1 - i, s[i][j]});
                min = Math.min(min, s[i][j]);
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("block j").yAxisTitle("block i").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setMin(Math.floor(min * 10) / 10).setMax(1.0)
                .setRangeColors(new Color[] {new Color(0x30, 0x12, 0x3b), new Color(0x1a, 0x98, 0xa6), new Color(0xfd, 0xe7, 0x25)})
                .setShowValue(depth <= 12).setHeatMapValueDecimalPattern("0.00").setValueFontColor(Color.BLACK);
        chart.addSeries("cosine similarity", columns, rows, cells);
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
}
