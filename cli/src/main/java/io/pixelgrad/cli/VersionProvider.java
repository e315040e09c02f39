package io.pixelgrad.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The text of {@code --version}: pixelgrad's version, the ND4J it runs on and the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** pixelgrad's version as built (from the filtered resource), or "unknown" in an unbuilt tree. */
    public static String version() {
        return properties().getProperty("version", "unknown");
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("pixelgrad-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // An unreadable resource only costs the version line its numbers.
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        Properties p = properties();
        return new String[]{
            "pixelgrad " + p.getProperty("version", "unknown"),
            "ND4J " + p.getProperty("nd4j", "unknown") + ", Java " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vendor", "unknown vendor") + ")"};
    }
}
