package dev.hearth.server.ops;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prometheus metrics: requests and latency histograms by route (the route template, never the
 * raw path, so ids don't explode the label set), requests in flight, and JVM gauges.
 */
public final class RequestMetrics {
  private record Key(String method, String route, int status) {}

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Timers by label set, so a request costs a map lookup rather than a meter registration. */
  private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

  public RequestMetrics() {
    registry.gauge("hearth.http.requests.in_flight", inFlight);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public void started() {
    inFlight.incrementAndGet();
  }

  public void finished(String method, String route, int status, double millis) {
    inFlight.decrementAndGet();
    timers.computeIfAbsent(new Key(method, route, status), this::timer).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }

  private Timer timer(Key key) {
    return Timer.builder("hearth.http.requests")
        .description("HTTP requests by route template, method and status")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(120))
        .register(registry);
  }

  public int inFlight() {
    return inFlight.get();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }
}
