package io.ebpfexporter.core;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A collector's results of its last walk of one kind, each with the record it was read from, for a
 * source whose record is everything it reports of an object (iterators): the next walk takes the result
 * of an object whose record is byte for byte the same instead of opening, decoding and reading it again.
 * Records are kept as copies of their own, so a kept one never holds a whole listing, and a walk that
 * matches the last one entry for entry keeps the last one itself: a host whose objects do not change
 * leaves nothing new to keep. Immutable once built, as concurrent scrapes may read it.
 */
final class KeptResults {
    static final KeptResults NONE = new KeptResults(new int[0], new ByteBuffer[0], new Object[0]);

    /** In walk order, which is id order (ids below 2^31: signed order is unsigned order). */
    private final int[] ids;
    private final ByteBuffer[] records;
    private final Object[] results;

    private KeptResults(int[] ids, ByteBuffer[] records, Object[] results) {
        this.ids = ids;
        this.records = records;
        this.results = results;
    }

    /** Where {@code id} is, or a negative number; {@code hint}: where a walk in order expects it. */
    private int index(int id, int hint) {
        return hint < ids.length && ids[hint] == id ? hint : Arrays.binarySearch(ids, id);
    }

    /** One walk's use, on the thread that lists the ids: looks the last results up, collects its own. */
    static final class Walk {
        private final KeptResults last;
        /** One past the last id looked up and found, and the same for the ids added. */
        private int lookedUp;
        private int added;
        /** This walk's entries, made only once they differ from the last walk's first {@code size}. */
        private int[] ids;
        private ByteBuffer[] records;
        private Object[] results;
        private int size;

        Walk(KeptResults last) {
            this.last = last;
        }

        /** The last walk's result for {@code id} if it was read from the same {@code record}, else null. */
        Object unchanged(int id, ByteBuffer record) {
            int i = last.index(id, lookedUp);
            if (i < 0) {
                return null;
            }
            lookedUp = i + 1;
            return last.records[i].equals(record) ? last.results[i] : null;
        }

        /** This walk's result for {@code id}, read from {@code record} (or {@link #unchanged}); in walk order. */
        void add(int id, ByteBuffer record, Object result) {
            int i = last.index(id, added);
            boolean kept = i >= 0 && last.results[i] == result;
            added = i >= 0 ? i + 1 : added;
            if (ids == null && kept && i == size) {
                size++; // still the last walk's entries
                return;
            }
            if (ids == null) {
                int capacity = Math.max(64, last.ids.length + 1);
                ids = Arrays.copyOf(last.ids, capacity);
                records = Arrays.copyOf(last.records, capacity);
                results = Arrays.copyOf(last.results, capacity);
            } else if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                records = Arrays.copyOf(records, size * 2);
                results = Arrays.copyOf(results, size * 2);
            }
            ids[size] = id;
            records[size] = kept ? last.records[i] : copy(record);
            results[size++] = result;
        }

        private static ByteBuffer copy(ByteBuffer record) {
            byte[] bytes = new byte[record.remaining()];
            record.get(record.position(), bytes);
            return ByteBuffer.wrap(bytes);
        }

        /** What the next walk looks up. */
        KeptResults done() {
            if (ids == null && size == last.ids.length) {
                return last;
            }
            if (ids == null) { // the last walk's first entries only: objects at its end are gone
                return size == 0 ? NONE : new KeptResults(Arrays.copyOf(last.ids, size), Arrays.copyOf(last.records, size),
                        Arrays.copyOf(last.results, size));
            }
            return new KeptResults(Arrays.copyOf(ids, size), Arrays.copyOf(records, size), Arrays.copyOf(results, size));
        }
    }
}
