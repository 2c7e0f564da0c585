/** A Helidon SE WebServer with one route and nothing else: the start-up and RSS floor of the design. */
module hello {
    requires io.helidon.webserver;
}
