package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.PerCpu;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.walk.OpenObject;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Counts a map's entries. Batch lookup first (about 270 ns per entry against 720 ns key by key on
 * these machines); key by key only where the kernel refuses batches (ENOTSUPP 524, EINVAL). A count
 * disturbed by concurrent deletes is retried once and then given up: never a wrong number.
 */
final class MapEntries {
    /** hash, percpu_hash, lru_hash, lru_percpu_hash: the kernel keeps their element count. */
    private static final Set<Integer> KERNEL_COUNTED = Set.of(1, 5, 9, 10);
    /** hash, percpu_hash, lru_hash, lru_percpu_hash, lpm_trie, hash_of_maps: batch lookup works. */
    private static final Set<Integer> BATCHABLE = Set.of(1, 5, 9, 10, 11, 13);
    /** sockhash, devmap_hash: only GET_NEXT_KEY walks their occupied keys. */
    private static final Set<Integer> KEY_BY_KEY = Set.of(18, 25);
    /**
     * prog_array, cgroup_array, array_of_maps, devmap, sockmap, cpumap, xskmap: arrays of references whose
     * slots user space can look up (the program, map, device or socket in it) or find empty (ENOENT), where
     * the kernel allows the lookup (it refuses cgroup_array and xskmap). Counted slot by slot, as the seed
     * counts them. Not perf_event_array, whose lookup the kernel always refuses.
     */
    private static final Set<Integer> SLOT_ARRAYS = Set.of(3, 8, 12, 14, 15, 16, 17);
    /** array, percpu_array: every index from 0 to max_entries - 1 exists. */
    private static final Set<Integer> ALWAYS_FULL = Set.of(2, 6);
    /** percpu_hash, percpu_array, lru_percpu_hash: user space sees one value slot per possible CPU. */
    private static final Set<Integer> PER_CPU = Set.of(5, 6, 10);
    /** Bytes of key and value buffers one batch may use. */
    private static final int BATCH_BYTES = 1 << 20;

    private MapEntries() {
    }

    static final class Interrupted extends Exception {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    /**
     * Counts {@code map}: from {@code kernelCounts} (the {@link MapElemCounts} pass of this scrape) where
     * the kernel keeps the count and the pass saw the map, else by iterating within {@code budget}.
     */
    static EntryCount count(OpenObject<MapInfo> map, Duration budget, Map<Integer, Long> kernelCounts) {
        MapInfo info = map.info();
        Long counted = KERNEL_COUNTED.contains(info.type()) ? kernelCounts.get(info.id()) : null;
        if (counted != null) {
            return new EntryCount(EntryCount.Status.COUNTED, counted);
        }
        return count(map, budget);
    }

    /** Counts {@code map} by iterating its keys within {@code budget}. */
    static EntryCount count(OpenObject<MapInfo> map, Duration budget) {
        MapInfo info = map.info();
        if (ALWAYS_FULL.contains(info.type())) {
            return new EntryCount(EntryCount.Status.ALWAYS_FULL, info.maxEntries());
        }
        if (map.fd() < 0) { // listed by an iterator: no fd to read entries through
            return new EntryCount(EntryCount.Status.NOT_ITERABLE, 0);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        if (SLOT_ARRAYS.contains(info.type())) {
            return countSlots(map.fd(), info, deadline);
        }
        boolean batch = BATCHABLE.contains(info.type());
        if (!batch && !KEY_BY_KEY.contains(info.type())) {
            return new EntryCount(EntryCount.Status.NOT_ITERABLE, 0);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                long n = -1;
                if (batch) {
                    n = countByBatch(map.fd(), info, deadline);
                }
                if (n < 0) {
                    n = countKeyByKey(map.fd(), info, deadline);
                }
                if (n <= info.maxEntries()) {
                    return new EntryCount(EntryCount.Status.COUNTED, n);
                }
                // More keys than the map can hold: GET_NEXT_KEY restarted after a concurrent delete.
            } catch (Interrupted timeUp) {
                return new EntryCount(EntryCount.Status.TRUNCATED, 0);
            } catch (BpfException e) {
                // the map changed under the walk; try once more
            }
        }
        return new EntryCount(EntryCount.Status.ABORTED, 0);
    }

    /** Sum of the counts BPF_MAP_LOOKUP_BATCH returns; -1 when the kernel refuses batches for this map. */
    static long countByBatch(int fd, MapInfo info, long deadline) throws Interrupted {
        int keySize = (int) Math.max(info.keySize(), 1);
        long valueSize = valueBytes(info);
        int batchSize = (int) Math.max(1, Math.min(info.maxEntries(), BATCH_BYTES / (keySize + valueSize)));
        // The batch token is a bucket index for hash maps and a key for the generic walk: size it for either.
        try (NativeBuffer token = new NativeBuffer(Math.max(keySize, 8));
             NativeBuffer nextToken = new NativeBuffer(Math.max(keySize, 8));
             NativeBuffer keys = new NativeBuffer(keySize * batchSize);
             NativeBuffer values = new NativeBuffer((int) (valueSize * batchSize));
             Bpf bpf = new Bpf()) {
            NativeBuffer in = token;
            NativeBuffer out = nextToken;
            long total = 0;
            boolean first = true;
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new Interrupted();
                }
                Bpf.Batch batch;
                try {
                    batch = bpf.mapLookupBatch(fd, first ? null : in, out, keys, values, batchSize);
                } catch (BpfException e) {
                    if (first && (e.errno() == Errno.ENOTSUPP || e.errno() == Errno.EINVAL)) {
                        return -1;
                    }
                    throw e;
                }
                total += Integer.toUnsignedLong(batch.count());
                if (batch.last()) {
                    return total;
                }
                first = false;
                NativeBuffer swap = in;
                in = out;
                out = swap;
            }
        }
    }

    /** The occupied slots of a {@link #SLOT_ARRAYS} map; NOT_ITERABLE where the kernel refuses the lookup. */
    static EntryCount countSlots(int fd, MapInfo info, long deadline) {
        long occupied = 0;
        try (NativeBuffer key = new NativeBuffer(4);
             NativeBuffer value = new NativeBuffer((int) Math.max(info.valueSize(), 8));
             Bpf bpf = new Bpf()) {
            for (long slot = 0; slot < info.maxEntries(); slot++) {
                if ((slot & 1023) == 1023 && System.nanoTime() > deadline) {
                    return new EntryCount(EntryCount.Status.TRUNCATED, 0);
                }
                key.view().putInt(0, (int) slot);
                if (bpf.mapLookup(fd, key, value)) {
                    occupied++;
                }
            }
        } catch (BpfException refused) {
            return new EntryCount(EntryCount.Status.NOT_ITERABLE, 0);
        }
        return new EntryCount(EntryCount.Status.COUNTED, occupied);
    }

    static long countKeyByKey(int fd, MapInfo info, long deadline) throws Interrupted {
        int keySize = (int) Math.max(info.keySize(), 1);
        try (NativeBuffer one = new NativeBuffer(keySize); NativeBuffer other = new NativeBuffer(keySize);
             Bpf bpf = new Bpf()) {
            NativeBuffer key = one;
            NativeBuffer next = other;
            long total = 0;
            for (boolean first = true; ; first = false) {
                if ((total & 1023) == 0 && System.nanoTime() > deadline) {
                    throw new Interrupted();
                }
                if (!bpf.mapGetNextKey(fd, first ? null : key, next)) {
                    return total;
                }
                total++;
                NativeBuffer swap = key;
                key = next;
                next = swap;
                if (total > info.maxEntries()) {
                    return total; // restarted after a delete; the caller retries
                }
            }
        }
    }

    /** The value buffer one entry needs in user space. */
    private static long valueBytes(MapInfo info) {
        long size = Math.max(info.valueSize(), 1);
        return PER_CPU.contains(info.type()) ? PerCpu.valueBytes(size) : size;
    }
}
