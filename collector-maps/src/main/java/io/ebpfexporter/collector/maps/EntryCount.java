package io.ebpfexporter.collector.maps;

/** How many entries a map holds, or why that number is not known in this scrape. */
record EntryCount(Status status, long entries) {

    public enum Status {
        /** Counted entry by entry; {@link #entries()} is exact. */
        COUNTED,
        /** An array whose every index always exists; {@link #entries()} is max_entries. */
        ALWAYS_FULL,
        /** The kernel offers no way to read this map type's entries; there is no count. */
        NOT_ITERABLE,
        /** The per-map budget ran out before the end; there is no count. */
        TRUNCATED,
        /** Entries changed under the walk twice in a row (concurrent deletes); there is no count. */
        ABORTED
    }

    public boolean known() {
        return status == Status.COUNTED || status == Status.ALWAYS_FULL;
    }
}
