package io.ebpfexporter.server.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which Accept-Encoding headers get a gzipped scrape. */
class MetricsEndpointTest {
    @Test
    void gzipNegotiation() {
        assertTrue(MetricsEndpoint.acceptsGzip("gzip"));
        assertTrue(MetricsEndpoint.acceptsGzip("deflate, gzip;q=0.5"));
        assertTrue(MetricsEndpoint.acceptsGzip("*"));
        assertFalse(MetricsEndpoint.acceptsGzip(""));
        assertFalse(MetricsEndpoint.acceptsGzip("gzip;q=0"));
        assertFalse(MetricsEndpoint.acceptsGzip("identity"));
        assertFalse(MetricsEndpoint.acceptsGzip("gzip;q=bogus"));
    }
}
