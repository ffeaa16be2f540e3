package org.lit.eval.layers;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The sweep's FID per strategy as bars (XChart), the network as it is first. */
public final class FidBars {
    public static final int HEIGHT = 520;

    private FidBars() {
    }

    /** Wide enough for every strategy's name under its bar. */
    public static int width(int bars) {
        return Math.max(640, 140 + 56 * bars);
    }

    public static void write(List<String> strategies, List<Double> fid, String title, OutputStream out) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(width(strategies.size())).height(HEIGHT).title(title)
                .xAxisTitle("layer strategy").yAxisTitle("FID").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(strategies.size() > 6 ? 60 : 0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setChartTitleVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.addSeries("FID", strategies, fid);
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
}
