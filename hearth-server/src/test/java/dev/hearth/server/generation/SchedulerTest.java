package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    CompletableFuture<Scheduler.Slot> queued = CompletableFuture.supplyAsync(s::admit);
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
    CompletableFuture<Scheduler.Slot> line = CompletableFuture.supplyAsync(() -> s.admit(true));
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
}
