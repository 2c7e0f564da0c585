package io.ebpfexporter.core;

import java.util.List;
import java.util.Map;

/**
 * What the consumer of one {@link ScrapeContext#walk} added, recorded as it ran: for each family it added
 * to, the positions of those series in the family, and what the scrape had declared before the walk (its
 * families, the reference scans they read, and the walk's own inputs). The families are the ones the
 * consumer was seen to add to, so none can be left out.
 * <p>
 * Invariant: the next walk of the kind repeats these series without calling its consumer only when its
 * results are this walk's results (the same objects, in the same order, see
 * {@link io.ebpfexporter.core.walk.KeptResults}), its basis is equal, and every family still holds the
 * series this collect kept; a consumer given the same results and the same basis adds the same series.
 *
 * @param collect the collect whose families hold the series
 * @param basis   what the scrape declared before the walk, in order, and the walk's inputs last
 * @param ranges  each fed family's key, with the first and one past the last index of the series the
 *                consumer added
 */
record FedSeries(long collect, List<Object> basis, Map<String, int[]> ranges) {
}
