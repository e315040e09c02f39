package io.pixelgrad.vis.render;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** A self-contained HTML page for {@code explain}: the input, the top classes, and every map side by side (images inlined). */
public final class HtmlReport {

    /** One of the top classes. */
    public record Prediction(int rank, int index, String name, double logit, double probability) {
    }

    private record Panel(String title, String caption, BufferedImage image) {
    }

    private final String title;
    private final List<String> facts = new ArrayList<>();
    private final List<Prediction> predictions = new ArrayList<>();
    private final List<Panel> panels = new ArrayList<>();
    private BufferedImage input;

    /** A report with a page title. */
    public HtmlReport(String title) {
        this.title = title;
    }

    /** The input picture as the network saw it. */
    public HtmlReport input(BufferedImage image) {
        this.input = image;
        return this;
    }

    /** A line under the title (model, weights, class). */
    public HtmlReport fact(String text) {
        facts.add(text);
        return this;
    }

    /** A row of the top-classes table. */
    public HtmlReport prediction(Prediction p) {
        predictions.add(p);
        return this;
    }

    /** A map with its title and a one-line caption. */
    public HtmlReport panel(String title, String caption, BufferedImage image) {
        panels.add(new Panel(title, caption, image));
        return this;
    }

    /** The page. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1.5em}figure{display:inline-block;margin:.5em;vertical-align:top}")
                .append("figcaption{max-width:460px;font-size:90%}table{border-collapse:collapse}td,th{padding:.2em .6em;")
                .append("border-bottom:1px solid #ccc;text-align:left}img{image-rendering:pixelated}</style></head><body>\n");
        sb.append("<h1>").append(esc(title)).append("</h1>\n");
        for (String f : facts) sb.append("<p>").append(esc(f)).append("</p>\n");
        if (input != null) sb.append("<figure>").append(img(input, "input")).append("<figcaption>input</figcaption></figure>\n");
        if (!predictions.isEmpty()) {
            sb.append("<table><tr><th>rank</th><th>class</th><th>name</th><th>logit</th><th>probability</th></tr>\n");
            for (Prediction p : predictions)
                sb.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%s</td><td>%.4f</td><td>%.4f</td></tr>%n",
                        p.rank(), p.index(), esc(p.name()), p.logit(), p.probability()));
            sb.append("</table>\n");
        }
        sb.append("<div>\n");
        for (Panel p : panels)
            sb.append("<figure><h3>").append(esc(p.title())).append("</h3>").append(img(p.image(), p.title()))
                    .append("<figcaption>").append(esc(p.caption())).append("</figcaption></figure>\n");
        sb.append("</div></body></html>\n");
        return sb.toString();
    }

    private static String img(BufferedImage image, String alt) {
        return "<img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(Render.png(image)) + "\">";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
