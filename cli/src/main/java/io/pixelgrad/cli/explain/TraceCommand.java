package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.GradientTrace;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.Target;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pixelgrad trace}: how the gradient of a class score travels down the layers under the three ReLU rules. */
@Command(name = "trace", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Trace the gradient from the class score down to the pixels, layer by layer.",
            "A teaching table: for each layer, the norm of the gradient arriving there under the standard, guided "
                + "and deconvnet rules, and for ReLUs the share of units (of those that received a gradient) that "
                + "passed it on. With --out, also trace.npy [layers, 6], trace.txt and trace.json."})
public final class TraceCommand extends ExplainCommand {

    @Override
    protected int run() throws Exception {
        Classifier net = loadModel();
        Input in = loadInput(net);
        GradientTrace.Result t = new GradientTrace(net).trace(in.x(), classTarget(net));
        String table = t.table();
        if (out.given()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (GradientTrace.Row r : t.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("layer", r.layer());
                row.put("module", r.description());
                row.put("norm", finite(r.norm()));
                row.put("passing", finite(r.passing()));
                if (r.fragile() >= 0)
                    row.put(r.description().startsWith("ReLU") ? "inputs_near_zero" : "windows_near_tie", r.fragile());
                rows.add(row);
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("method", "trace");
            d.put("pixelgrad_version", VersionProvider.version());
            d.put("model", net.architecture());
            d.put("dtype", dtype.label());
            d.put("weights", weights.label());
            d.put("weights_sha256", Outputs.sha256(weights.file()));
            d.put("image", image.label());
            d.put("class", Map.of("index", t.targetClass(), "name", className(net, t.targetClass())));
            d.put("rules", List.of("standard", "guided", "deconvnet"));
            d.put("rows", rows);
            d.put("fragile_decisions", t.fragile().describe());
            try (Outputs o = new Outputs(out.out)) {
                o.npy("trace.npy", Passes.array(t.raw(), dtype.dataType, t.rows().size(), 6));
                o.text("trace.txt", table);
                o.json("trace.json", d);
                report(o.commit());
            }
        }
        out().println("class " + t.targetClass() + " (" + className(net, t.targetClass()) + ")");
        out().print(table);
        out().flush();
        return 0;
    }

    /** JSON has no NaN: non-ReLU layers get null for the passing share. */
    private static List<Double> finite(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double d : v) l.add(Double.isNaN(d) ? null : d);
        return l;
    }
}
