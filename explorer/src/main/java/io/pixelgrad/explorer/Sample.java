package io.pixelgrad.explorer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A bundled picture the page offers without an upload.
 *
 * @param name     short identifier (letters, digits, '-' and '_'), part of the image id "sample-NAME"
 * @param title    what the page shows
 * @param resource classpath resource holding the PNG/JPEG bytes
 * @param credit   where the picture comes from and its licence
 */
public record Sample(String name, String title, String resource, String credit) {

    /** Checks the name, since it becomes part of ids and cache keys. */
    public Sample {
        if (!name.matches("[A-Za-z0-9_-]{1,40}")) throw new IllegalArgumentException("bad sample name '" + name + "'");
    }

    /** The picture's encoded bytes from the classpath. */
    public byte[] bytes() {
        try (InputStream in = Sample.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("sample resource missing from the jar: " + resource);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id the page and the API use for this sample. */
    public String id() {
        return "sample-" + name;
    }
}
