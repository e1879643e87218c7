package dev.hearth.server.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Batch lines for engines without a scheduler yield to live requests using the resource, but not forever. */
class LiveTrafficTest {
  private final AtomicLong now = new AtomicLong();
  private final LiveTraffic traffic =
      new LiveTraffic(0, Duration.ofSeconds(1), Duration.ofSeconds(30), now::get);

  @Test
  void linesRunTogetherWhenNoLiveRequestWasSeen() {
    LiveTraffic.Permit a = traffic.yieldTo("encoder");
    LiveTraffic.Permit b = traffic.yieldTo("encoder");
    traffic.begin("other"); // another resource does not count
    LiveTraffic.Permit c = traffic.yieldTo("encoder");
    a.close();
    b.close();
    c.close();
    assertThat(traffic.yielding()).isZero();
  }

  @Test
  void aLineWaitsUntilTheLiveRequestsHaveFinished() throws Exception {
    traffic.begin("encoder");
    traffic.begin("encoder");
    CompletableFuture<LiveTraffic.Permit> line = async();
    awaitYielding(1);
    traffic.end("encoder");
    assertThat(traffic.inFlight("encoder")).isEqualTo(1);
    assertThat(line).isNotDone(); // one live request is still in flight
    traffic.end("encoder");
    line.get(30, TimeUnit.SECONDS).close();
    assertThat(traffic.inFlight("encoder")).isZero();
  }

  @Test
  void shortlyAfterALiveRequestLinesRunOneAtATime() throws Exception {
    traffic.begin("encoder");
    traffic.end("encoder");
    LiveTraffic.Permit first = traffic.yieldTo("encoder"); // no live request in flight
    CompletableFuture<LiveTraffic.Permit> second = async();
    awaitYielding(1);
    assertThat(second).isNotDone();
    first.close();
    LiveTraffic.Permit secondPermit = second.get(30, TimeUnit.SECONDS);
    now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // quiet again: lines run together
    traffic.yieldTo("encoder").close();
    secondPermit.close();
  }

  @Test
  void aLineWaitsAtMostTheMaximumUnderConstantLoad() throws Exception {
    traffic.begin("encoder"); // and never ends
    CompletableFuture<LiveTraffic.Permit> line = async();
    awaitYielding(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(29));
    assertThat(line).isNotDone();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    line.get(30, TimeUnit.SECONDS).close();
  }

  private CompletableFuture<LiveTraffic.Permit> async() {
    CompletableFuture<LiveTraffic.Permit> f = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> f.complete(traffic.yieldTo("encoder")));
    return f;
  }

  private void awaitYielding(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (traffic.yielding() != n && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(traffic.yielding()).isEqualTo(n);
  }
}
