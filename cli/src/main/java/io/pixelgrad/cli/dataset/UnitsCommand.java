package io.pixelgrad.cli.dataset;

import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.UnitStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad units}: dead and always-on units of each layer over a data set. */
@Command(name = "units", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a model over a data set and count, per layer, the dead units (channels never above zero at any "
                + "position of any image: after a ReLU they pass nothing) and the always-on units (above zero "
                + "everywhere: their ReLU never cuts, so they act linearly on this data).",
            "With --out, units.json holds every unit's fraction of positive activations, its maximum and its "
                + "mean."},
        footer = {"", "Example:",
            "  pixelgrad units --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist"})
public final class UnitsCommand extends DatasetViewCommand {

    @Option(names = {"-l", "--layer"}, paramLabel = "NAME", split = ",",
            description = "Layer(s) by module name, comma-separated. Default: every ReLU.")
    List<String> layer;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Also write units.json here.")
    Path out;

    @Override
    protected int run() throws Exception {
        Loaded l = load();
        List<String> layers = layers(l.net(), l.inputShape(), layer, m -> m instanceof ReLU);
        if (layers.isEmpty()) throw usage(l.net().architecture() + " has no ReLU; name layers with --layer");
        DatasetPass.Result result = run(DatasetPass.of(l.net(), batches(l, layers)).unitStats(layers), l.dataset());

        int nameWidth = 5;
        for (String n : layers) nameWidth = Math.max(nameWidth, n.length());
        String fmt = "%-" + nameWidth + "s  %6s  %5s  %9s  %s";
        out().println(l.net().architecture() + " on " + l.dataset().size() + " images of " + l.dataset().name());
        out().println(String.format(Locale.ROOT, fmt, "layer", "units", "dead", "always-on", "dead units"));
        Map<String, Object> json = facts("units", l);
        Map<String, Object> perLayer = new LinkedHashMap<>();
        int totalUnits = 0, totalDead = 0, totalOn = 0;
        for (String name : layers) {
            UnitStats s = result.stats(name);
            List<Integer> dead = s.dead(), on = s.alwaysOn();
            totalUnits += s.channels();
            totalDead += dead.size();
            totalOn += on.size();
            out().println(String.format(Locale.ROOT, fmt, name, s.channels(), dead.size(), on.size(), list(dead)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("units", s.channels());
            m.put("dead", dead);
            m.put("always_on", on);
            List<Object> units = new ArrayList<>();
            for (int c = 0; c < s.channels(); c++) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("unit", c);
                u.put("active_fraction", s.activeFraction(c));
                u.put("max", s.max(c));
                u.put("mean", s.mean(c));
                units.add(u);
            }
            m.put("per_unit", units);
            perLayer.put(name, m);
        }
        out().println(String.format(Locale.ROOT, "total: %d units, %d dead, %d always on", totalUnits, totalDead, totalOn));
        out().flush();
        if (out != null) {
            json.put("layers", perLayer);
            try (Outputs o = new Outputs(out)) {
                o.json("units.json", json);
                report(o.commit());
            }
        }
        return 0;
    }

    private static String list(List<Integer> units) {
        if (units.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.size() && i < 16; i++) sb.append(i == 0 ? "" : ",").append(units.get(i));
        if (units.size() > 16) sb.append(",... (").append(units.size()).append(")");
        return sb.toString();
    }
}
