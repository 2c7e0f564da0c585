package io.ebpfexporter.core.walk;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A collector's results of its last walk of one kind, each with the record it was read from, for a
 * source whose record is everything it reports of an object (iterators): the next walk takes the result
 * of an object whose record is byte for byte the same instead of opening, decoding and reading it again.
 * Records are kept as copies of their own, so a kept one never holds a whole listing, and a walk that
 * matches the last one entry for entry keeps the last one itself: a host whose objects do not change
 * leaves nothing new to keep. A walk keeps results within {@link #BUDGET}; objects past it are read every
 * scrape, so a host of any size costs no more heap than this. Immutable once built, as concurrent
 * scrapes may read it.
 * <p>
 * Invariant: a result is kept only where it is a function of the object's record alone. The source
 * gives a record only when the record is everything it reports of the object (otherwise null, and
 * nothing is kept), and gives the same listing object again only when every record in it is byte for
 * byte the same; the reader of a walk that keeps results ({@link ObjectWalk#forEach(ObjectSource,
 * ObjectKind, java.util.function.Function, java.util.function.Consumer, int, KeptResults)}) reads
 * nothing but the open object (no clock, no file, no setting that can change); the consumer never
 * changes a result, beyond caching what it derives from the result and the collector's configuration.
 */
public final class KeptResults {
    public static final KeptResults NONE = new KeptResults(new int[0], new byte[0][], new Object[0], null);
    /** Bytes the results of one walk may hold: a sixteenth of the heap, as the kept family texts. */
    static final long BUDGET = Runtime.getRuntime().maxMemory() / 16;
    /** What a kept result holds besides its record, estimated: the row, its decoded info and label values. */
    static final int PER_RESULT = 256;

    /** In walk order, which is id order (ids below 2^31: signed order is unsigned order). */
    private final int[] ids;
    private final byte[][] records;
    private final Object[] results;
    /**
     * What the walk listed and hid (see {@link ObjectSource.Reader#listing}, {@link OwnObjects#hidden})
     * when these are the results of every object it listed, else null: a walk with the same listing and
     * the same hidden objects has these results, in this order, without looking at a record.
     */
    private final Listed listed;

    /** A walk's listing and hidden objects, compared by identity. */
    record Listed(Object listing, Object hidden) {
        /** True when both are null or list the very same listing and hidden objects. */
        static boolean same(Listed a, Listed b) {
            return a == b || a != null && b != null && a.listing == b.listing && a.hidden == b.hidden;
        }
    }

    private KeptResults(int[] ids, byte[][] records, Object[] results, Listed listed) {
        this.ids = ids;
        this.records = records;
        this.results = results;
        this.listed = listed;
    }

    /** Where {@code id} is, or a negative number; {@code hint}: where a walk in order expects it. */
    private int index(int id, int hint) {
        return hint < ids.length && ids[hint] == id ? hint : Arrays.binarySearch(ids, id);
    }

    private static boolean same(byte[] kept, ByteBuffer record) {
        if (record.remaining() != kept.length) {
            return false;
        }
        if (record.hasArray()) {
            int from = record.arrayOffset() + record.position();
            return Arrays.equals(kept, 0, kept.length, record.array(), from, from + kept.length);
        }
        return ByteBuffer.wrap(kept).equals(record);
    }

    /** One walk's use, on the thread that lists the ids: looks the last results up, collects its own. */
    static final class Walk {
        private final KeptResults last;
        private final long budget;
        /** One past the last id looked up and found, and the same for the ids added. */
        private int lookedUp;
        private int added;
        /** This walk's entries, made only once they differ from the last walk's first {@code size}. */
        private int[] ids;
        private byte[][] records;
        private Object[] results;
        private int size;
        private long bytes;
        /** Whether every result added was kept. */
        private boolean whole = true;
        /** What the walk listed, and how many objects. */
        private Listed listing;
        private int count = -1;

        Walk(KeptResults last) {
            this(last, BUDGET);
        }

        Walk(KeptResults last, long budget) {
            this.last = last;
            this.budget = budget;
        }

        /** The last walk's result for {@code id} if it was read from the same {@code record}, else null. */
        Object unchanged(int id, ByteBuffer record) {
            int i = last.index(id, lookedUp);
            if (i < 0) {
                return null;
            }
            lookedUp = i + 1;
            return same(last.records[i], record) ? last.results[i] : null;
        }

        /** The walk listed {@code listed} objects. */
        void listed(int listed) {
            count = listed;
        }

        /**
         * True when the walk listed {@code listed} objects, each found {@link #unchanged}, and the last walk
         * kept every object it listed: the last walk's results, in their order, are this walk's.
         */
        boolean allUnchanged(int listed, int read) {
            return read == 0 && listed == last.ids.length && last.listed != null;
        }

        /** The last walk's objects are this walk's: returns its results, in walk order. */
        Object[] repeat() {
            size = last.ids.length;
            count = size;
            return last.results;
        }

        /**
         * The walk lists what {@code listed} says (null parts where the source cannot say); true when that
         * is what the last walk listed, so that the last walk's results are this walk's.
         */
        boolean sameListing(Listed listed) {
            listing = listed.listing() == null ? null : listed;
            return listing != null && Listed.same(listing, last.listed);
        }

        /**
         * This walk's result for {@code id}, read from {@code record} (or {@link #unchanged}); in walk
         * order. Past the budget, or without a record, it is not kept.
         */
        void add(int id, ByteBuffer record, Object result) {
            bytes += record == null ? 0 : record.remaining() + PER_RESULT;
            if (record == null || bytes > budget) {
                whole = false;
                return;
            }
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

        private static byte[] copy(ByteBuffer record) {
            byte[] bytes = new byte[record.remaining()];
            record.get(record.position(), bytes);
            return bytes;
        }

        /** What the next walk looks up. */
        KeptResults done() {
            Listed as = whole && size == count ? listing : null;
            if (ids == null && size == last.ids.length) {
                return Listed.same(as, last.listed) ? last : new KeptResults(last.ids, last.records, last.results, as);
            }
            if (ids == null) { // the last walk's first entries only: objects at its end are gone
                return size == 0 && as == null ? NONE : new KeptResults(Arrays.copyOf(last.ids, size),
                        Arrays.copyOf(last.records, size), Arrays.copyOf(last.results, size), as);
            }
            return new KeptResults(Arrays.copyOf(ids, size), Arrays.copyOf(records, size), Arrays.copyOf(results, size), as);
        }
    }
}
