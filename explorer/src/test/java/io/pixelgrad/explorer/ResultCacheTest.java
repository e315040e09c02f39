package io.pixelgrad.explorer;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result cache: bounded by bytes (least recently used out first), one computation per key, failures not kept. */
class ResultCacheTest {

    static Result sized(int bytes) {
        return Result.of(new byte[bytes - 64]);
    }

    @Test
    void evictsLeastRecentlyUsedBeyondItsBudget() {
        ResultCache cache = new ResultCache(3000);
        cache.put("a", sized(1000));
        cache.put("b", sized(1000));
        cache.put("c", sized(1000));
        assertNotNull(cache.peek("a"));   // a is now the most recently used
        cache.put("d", sized(1000));
        assertNull(cache.peek("b"), "b was the least recently used");
        assertNotNull(cache.peek("a"));
        assertEquals(3000, cache.size());
        cache.put("huge", sized(5000));
        assertNull(cache.peek("huge"), "an answer larger than the whole budget is not kept");
    }

    @Test
    void oneComputationPerKeyAndFailuresAreRetried() throws Exception {
        ResultCache cache = new ResultCache(1 << 20);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        try (WorkQueue lane = new WorkQueue("test", 2, 8)) {
            ResultCache.Lookup first = cache.get("k", lane, () -> {
                runs.incrementAndGet();
                gate.await();
                return sized(100);
            });
            ResultCache.Lookup second = cache.get("k", lane, () -> {
                runs.incrementAndGet();
                return sized(100);
            });
            assertSame(first.future(), second.future());
            gate.countDown();
            assertSame(first.future().get(10, TimeUnit.SECONDS), second.future().get(10, TimeUnit.SECONDS));
            assertEquals(1, runs.get());
            assertTrue(cache.get("k", lane, () -> null).hit());
            ResultCache.Lookup failing = cache.get("f", lane, () -> {
                throw new IllegalArgumentException("no");
            });
            assertThrows(Exception.class, () -> failing.future().get(10, TimeUnit.SECONDS));
            assertEquals(100, cache.get("f", lane, () -> sized(100)).future().get(10, TimeUnit.SECONDS).bytes());
        }
    }
}
