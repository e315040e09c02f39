package io.pixelgrad.explorer;

/**
 * The explorer's address and limits. Every limit bounds memory or work that a client could otherwise make the server
 * spend; the defaults suit one person on a laptop.
 *
 * @param host                  address to bind (loopback unless the user asks otherwise)
 * @param port                  port to bind; 0 picks a free one
 * @param maxUploadBytes        largest upload body accepted
 * @param maxPixels             most pixels an uploaded image may have (read from its header before decoding)
 * @param maxSide               longest side an uploaded image may have
 * @param maxUploads            uploads kept (least recently used dropped first)
 * @param quickWorkers          threads computing quick views (overview, unit, gradient maps)
 * @param quickQueue            quick tasks that may wait before the server answers "busy"
 * @param slowWorkers           threads running long jobs (occlusion, SmoothGrad, integrated gradients)
 * @param slowQueue             long jobs that may wait before the server answers "busy"
 * @param httpThreads           threads answering HTTP requests
 * @param maxEventStreams       progress streams (server-sent events) open at once
 * @param maxConcurrentUploads  uploads being received at once
 * @param cacheBytes            memory for kept answers
 * @param thumbSide             longest side of an overview thumbnail
 * @param maxOcclusionPositions most patch positions (forward passes) one occlusion may take
 * @param timeoutSeconds        longest a request waits for its computation
 */
public record ExplorerConfig(String host, int port, long maxUploadBytes, long maxPixels, int maxSide, int maxUploads,
                             int quickWorkers, int quickQueue, int slowWorkers, int slowQueue, int httpThreads,
                             int maxEventStreams, int maxConcurrentUploads, long cacheBytes, int thumbSide,
                             int maxOcclusionPositions, int timeoutSeconds) {

    /** Loopback, port 8080, 16 MB and 25 megapixels per upload, two quick workers and one for long jobs. */
    public static ExplorerConfig defaults() {
        return new ExplorerConfig("127.0.0.1", 8080, 16L << 20, 25_000_000L, 12_000, 32, 2, 16, 1, 4, 32, 16, 4,
                256L << 20, 32, 4096, 300);
    }

    /** The same limits on another address. */
    public ExplorerConfig at(String newHost, int newPort) {
        return new ExplorerConfig(newHost, newPort, maxUploadBytes, maxPixels, maxSide, maxUploads, quickWorkers, quickQueue,
                slowWorkers, slowQueue, httpThreads, maxEventStreams, maxConcurrentUploads, cacheBytes, thumbSide,
                maxOcclusionPositions, timeoutSeconds);
    }

    /** The same with other work-lane sizes (tests make the queues tiny to see "busy"). */
    public ExplorerConfig lanes(int newQuickWorkers, int newQuickQueue, int newSlowWorkers, int newSlowQueue) {
        return new ExplorerConfig(host, port, maxUploadBytes, maxPixels, maxSide, maxUploads, newQuickWorkers, newQuickQueue,
                newSlowWorkers, newSlowQueue, httpThreads, maxEventStreams, maxConcurrentUploads, cacheBytes, thumbSide,
                maxOcclusionPositions, timeoutSeconds);
    }
}
