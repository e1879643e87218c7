package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Admission: running slots, a bounded queue, immediate refusal beyond it, background lines that wait. */
class SchedulerTest {

  @Test
  void refusesAtOnceWhenSlotsAndQueueAreFull() {
    Scheduler s = new Scheduler(1, 0);
    Scheduler.Slot held = s.admit();
    assertThatThrownBy(s::admit).isInstanceOf(Scheduler.QueueFullException.class);
    held.close();
    held.close(); // closing twice frees one slot, not two
    assertThat(s.available()).isEqualTo(1);
    s.admit().close();
  }

  @Test
  void aQueuedRequestGetsTheNextFreeSlot() throws Exception {
    Scheduler s = new Scheduler(1, 1);
    Scheduler.Slot held = s.admit();
    CompletableFuture<Scheduler.Slot> queued = async(s::admit);
    // the queue has one place: once the waiter holds it, a third request is refused
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (s.queued() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(s.queued()).isEqualTo(1);
    assertThatThrownBy(s::admit).isInstanceOf(Scheduler.QueueFullException.class);
    held.close();
    queued.get(30, TimeUnit.SECONDS).close();
    assertThat(s.available()).isEqualTo(1);
    assertThat(s.queued()).isZero();
  }

  @Test
  void backgroundWorkWaitsWhateverTheQueue() throws Exception {
    Scheduler s = new Scheduler(1, 0);
    Scheduler.Slot held = s.admit();
    CompletableFuture<Scheduler.Slot> line = async(() -> s.admit(true));
    assertThat(line).isNotDone();
    held.close();
    line.get(30, TimeUnit.SECONDS).close();
  }

  @Test
  void aRequestTakesASlotPerSequenceUpToAll() {
    Scheduler s = new Scheduler(2, 0);
    Scheduler.Slot three = s.admit(false, 3); // n = 3 on two slots: both, not a wait forever
    assertThat(s.available()).isZero();
    assertThatThrownBy(s::admit).isInstanceOf(Scheduler.QueueFullException.class);
    three.close();
    Scheduler.Slot one = s.admit();
    assertThatThrownBy(() -> s.admit(false, 2)).isInstanceOf(Scheduler.QueueFullException.class);
    one.close();
    assertThat(s.available()).isEqualTo(2);
  }

  @Test
  void aWaitingLiveRequestGoesBeforeAnEarlierBackgroundOne() throws Exception {
    Scheduler s = new Scheduler(1, 4);
    Scheduler.Slot held = s.admit();
    CompletableFuture<Scheduler.Slot> line = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    CompletableFuture<Scheduler.Slot> live = async(s::admit);
    await(s::queued, 1);
    held.close();
    Scheduler.Slot liveSlot = live.get(30, TimeUnit.SECONDS);
    assertThat(line).isNotDone(); // the only slot went to the live request, though the line came first
    liveSlot.close();
    line.get(30, TimeUnit.SECONDS).close();
    assertThat(s.available()).isEqualTo(1);
  }

  @Test
  void backgroundWorkWaitsWhileLiveRequestsRunEvenWithFreeSlots() throws Exception {
    Scheduler s = new Scheduler(2, 0);
    Scheduler.Slot live = s.admit();
    CompletableFuture<Scheduler.Slot> line = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    assertThat(s.available()).isEqualTo(1);
    Scheduler.Slot second = s.admit(); // live requests still get the free slot at once
    second.close();
    assertThat(line).isNotDone();
    live.close();
    Scheduler.Slot lineSlot = line.get(30, TimeUnit.SECONDS);
    assertThat(s.backgroundRunning()).isEqualTo(1);
    Scheduler.Slot next = s.admit(); // a running line does not hold live requests back
    next.close();
    lineSlot.close();
  }

  @Test
  void backgroundWorkIsNotStarvedForever() throws Exception {
    AtomicLong now = new AtomicLong();
    Scheduler s = new Scheduler(2, 4, Duration.ofSeconds(10), Duration.ofSeconds(1), now::get);
    Scheduler.Slot live = s.admit();
    CompletableFuture<Scheduler.Slot> line = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    Scheduler.Slot other = s.admit(); // not yet aged: live requests still go first
    other.close();
    assertThat(line).isNotDone();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // waited 11 s under constant live load
    Scheduler.Slot lineSlot = line.get(30, TimeUnit.SECONDS);
    assertThat(s.backgroundRunning()).isEqualTo(1);
    lineSlot.close();
    live.close();
  }

  @Test
  void anAgedBackgroundRequestQueuesInArrivalOrderWithLiveOnes() throws Exception {
    AtomicLong now = new AtomicLong();
    Scheduler s = new Scheduler(1, 4, Duration.ofSeconds(10), Duration.ofSeconds(1), now::get);
    Scheduler.Slot held = s.admit();
    CompletableFuture<Scheduler.Slot> line = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(11));
    CompletableFuture<Scheduler.Slot> live = async(s::admit);
    await(s::queued, 1);
    held.close();
    Scheduler.Slot lineSlot = line.get(30, TimeUnit.SECONDS);
    assertThat(live).isNotDone();
    lineSlot.close();
    live.get(30, TimeUnit.SECONDS).close();
  }

  /** Each waiter on a thread of its own: a shared pool could run them one after the other. */
  private static CompletableFuture<Scheduler.Slot> async(Supplier<Scheduler.Slot> admission) {
    CompletableFuture<Scheduler.Slot> f = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        f.complete(admission.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Test
  void shortlyAfterLiveTrafficBackgroundWorkHoldsOneSlot() throws Exception {
    AtomicLong now = new AtomicLong();
    Scheduler s = new Scheduler(4, 0, Duration.ofSeconds(30), Duration.ofSeconds(1), now::get);
    Scheduler.Slot a = s.admit(true);
    Scheduler.Slot b = s.admit(true); // no live request seen yet: up to three background slots
    b.close();
    s.admit().close(); // a live request came and went
    CompletableFuture<Scheduler.Slot> second = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    assertThat(s.available()).isEqualTo(3);
    assertThat(second).isNotDone();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // quiet again
    Scheduler.Slot secondSlot = second.get(30, TimeUnit.SECONDS);
    assertThat(s.backgroundRunning()).isEqualTo(2);
    secondSlot.close();
    a.close();
  }

  @Test
  void backgroundWorkLeavesOneSlotForLiveRequests() throws Exception {
    AtomicLong now = new AtomicLong();
    Scheduler s = new Scheduler(3, 0, Duration.ofSeconds(30), Duration.ofSeconds(1), now::get);
    Scheduler.Slot a = s.admit(true);
    Scheduler.Slot b = s.admit(true);
    CompletableFuture<Scheduler.Slot> third = async(() -> s.admit(true));
    await(s::backgroundQueued, 1);
    assertThat(s.available()).isEqualTo(1);
    Scheduler.Slot live = s.admit(); // no wait, no 429 with max_queue 0
    live.close();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    a.close();
    third.get(30, TimeUnit.SECONDS).close();
    b.close();
    assertThat(s.available()).isEqualTo(3);
  }

  private static void await(IntSupplier value, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (value.getAsInt() != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(value.getAsInt()).isEqualTo(expected);
  }
}
