package org.lit.train.eval;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * RUN/fid.png: FID and sFID (left axis) and the Inception Score (right axis) against step, from the
 * lines of metrics.jsonl that carry them. Drawn with XChart: two y axes, tick labels and a legend
 * are what a chart library gets right and a hand-drawn one would have to redo.
 */
public final class FidPlot {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 520;

    private FidPlot() {
    }

    public static void draw(List<String> jsonLines, String title, OutputStream out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> steps = new ArrayList<>(), fid = new ArrayList<>(), sfid = new ArrayList<>(), is = new ArrayList<>();
        for (String line : jsonLines) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            if (!n.has("fid")) continue;
            steps.add(n.get("step").asDouble());
            fid.add(n.get("fid").asDouble());
            sfid.add(n.get("sfid").asDouble());
            is.add(n.get("is").asDouble());
        }
        if (steps.isEmpty()) throw new IllegalArgumentException("no FID in the metrics to plot");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal).setMarkerSize(6);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setYAxisDecimalPattern("#,##0.#####");        // IS near 1 in plain digits, not 1.00239E0
        chart.setYAxisGroupTitle(0, "FID, sFID");
        chart.setYAxisGroupTitle(1, "IS");
        chart.addSeries("FID", steps, fid).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("sFID", steps, sfid).setMarker(SeriesMarkers.DIAMOND);
        chart.addSeries("IS", steps, is).setMarker(SeriesMarkers.SQUARE).setYAxisGroup(1);
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
}
