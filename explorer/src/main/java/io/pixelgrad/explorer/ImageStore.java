package io.pixelgrad.explorer;

import io.pixelgrad.zoo.images.RgbImage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pictures the page can refer to by id: the model source's samples (prepared on first use, kept) and the most
 * recent uploads (a bounded, least-recently-used set). Only prepared inputs are kept, never the uploaded files, so
 * an upload costs about the model input's size however large the file was. An id is only ever a key into these maps.
 */
final class ImageStore {

    private final ModelSource source;
    private final int maxUploads;
    private final Map<String, PreparedImage> samples = new LinkedHashMap<>();
    private final LinkedHashMap<String, PreparedImage> uploads = new LinkedHashMap<>(16, 0.75f, true);

    /** A store for this model's pictures holding at most maxUploads uploads. */
    ImageStore(ModelSource source, int maxUploads) {
        this.source = source;
        this.maxUploads = maxUploads;
    }

    /** The picture with this id; 404 when unknown or evicted. */
    PreparedImage get(String id) {
        if (id == null || id.isEmpty()) throw new ApiException(400, "which image? give image=ID (a sample or an upload)");
        for (Sample s : source.samples()) if (s.id().equals(id)) return sample(s);
        synchronized (uploads) {
            PreparedImage p = uploads.get(id);
            if (p != null) return p;
        }
        throw new ApiException(404, "no image '" + clip(id) + "' (uploads are kept for the " + maxUploads
                + " most recent pictures; upload it again)");
    }

    private PreparedImage sample(Sample s) {
        synchronized (samples) {
            PreparedImage p = samples.get(s.id());
            if (p == null) {
                RgbImage rgb = Uploads.decode(s.bytes(), Long.MAX_VALUE, Integer.MAX_VALUE);
                p = source.pipeline().prepare(s.id(), s.title(), rgb);
                samples.put(s.id(), p);
            }
            return p;
        }
    }

    /** Prepares a decoded upload and keeps it under an id made from its file bytes (the same file gets the same id). */
    PreparedImage addUpload(byte[] fileBytes, RgbImage rgb, String title) {
        String id = "upload-" + sha256(fileBytes).substring(0, 20);
        synchronized (uploads) {
            PreparedImage known = uploads.get(id);
            if (known != null) return known;
        }
        PreparedImage p = source.pipeline().prepare(id, title, rgb);
        synchronized (uploads) {
            uploads.put(id, p);
            while (uploads.size() > maxUploads) uploads.remove(uploads.keySet().iterator().next());
        }
        return p;
    }

    /** The samples' ids and titles, in the source's order. */
    List<Map<String, String>> describeSamples() {
        List<Map<String, String>> list = new ArrayList<>();
        for (Sample s : source.samples()) list.add(Map.of("id", s.id(), "title", s.title(), "credit", s.credit()));
        return list;
    }

    static String clip(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
