package io.ebpfexporter.server.http;

import io.ebpfexporter.server.scrape.BuildInfo;
import io.ebpfexporter.server.scrape.Scrape;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

import java.util.function.Consumer;

/**
 * What every listener serves, behind basic auth: the metrics endpoint (GET and HEAD; any other method
 * is told which are allowed), the landing page and the live view's readings.
 */
public final class Routes implements Consumer<HttpRouting.Builder> {
    private final String metricsPath;
    private final BasicAuth auth;
    private final MetricsEndpoint metrics;
    private final LandingPage landing;
    private final LiveView live;

    public Routes(String metricsPath, Scrape scrape, BuildInfo build, BasicAuth auth) {
        this.metricsPath = metricsPath;
        this.auth = auth;
        this.metrics = new MetricsEndpoint(scrape);
        this.landing = new LandingPage(metricsPath, build);
        this.live = new LiveView(scrape);
    }

    public String metricsPath() {
        return metricsPath;
    }

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.addFilter(auth);
        routing.route(Method.GET, metricsPath, metrics)
                .route(Method.HEAD, metricsPath, metrics)
                .any(metricsPath, (request, response) -> response.status(Status.METHOD_NOT_ALLOWED_405)
                        .header(HeaderNames.ALLOW, "GET, HEAD").send())
                .route(Method.GET, "/", landing)
                .route(Method.HEAD, "/", landing)
                .route(Method.GET, "/live.json", live);
    }
}
