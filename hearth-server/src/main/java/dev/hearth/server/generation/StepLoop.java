package dev.hearth.server.generation;

import dev.hearth.engine.model.Model;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one model: a single loop thread advances every running sequence by one
 * step (a prompt chunk or one token) per round; sequences join and leave between rounds. The
 * engine has no batched forward yet, so a round runs the sequences one after the other, but no
 * sequence waits for another to finish and the cores are not oversubscribed by parallel requests.
 *
 * <p>Text is handed to the request's thread through a queue, so a slow client never stalls the
 * loop; when the client goes away the sequence is dropped at the next round.
 */
public final class StepLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StepLoop.class);

  private final Model model;
  private final LinkedBlockingQueue<Job> incoming = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  public StepLoop(Model model, String name) {
    this.model = model;
    this.thread = Thread.ofPlatform().daemon().name("hearth-steps-" + name).unstarted(this::loop);
    thread.start();
  }

  private sealed interface Event permits Piece, Done, Failed {}

  private record Piece(String text, List<Sequence.TokenLogprob> logprobs) implements Event {}

  private record Done(Sequence.Result result) implements Event {}

  private record Failed(RuntimeException error) implements Event {}

  private static final class Job {
    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    volatile boolean gone;
    Sequence.Stepper stepper;
  }

  /**
   * Runs one sequence in the loop and delivers its text to {@code listener} on the calling thread;
   * returns when it is finished (or the listener said stop).
   *
   * @param promptLogprobs as for {@link Sequence.Stepper}; filled before this returns
   */
  public Sequence.Result generate(int[] prompt, Sequence.Params params, Sequence.Listener listener,
      List<Sequence.TokenLogprob> promptLogprobs) {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
    Job job = new Job();
    job.stepper = new Sequence.Stepper(model, null, prompt, params, (text, lps) -> {
      job.events.add(new Piece(text, lps));
      return !job.gone;
    }, promptLogprobs);
    incoming.add(job);
    try {
      while (true) {
        Event e = job.events.take();
        switch (e) {
          case Piece piece -> {
            if (!job.gone && !listener.onText(piece.text(), piece.logprobs())) {
              job.gone = true; // the loop drops the sequence at its next round
            }
          }
          case Done done -> {
            Sequence.Result r = done.result();
            return job.gone && !r.cancelled()
                ? new Sequence.Result(r.text(), r.tokens(), r.finishReason(), r.logprobs(), true, r.sumLogprob())
                : r;
          }
          case Failed failed -> throw failed.error();
        }
      }
    } catch (InterruptedException ex) {
      job.gone = true;
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating", ex);
    }
  }

  private void loop() {
    List<Job> running = new ArrayList<>();
    while (!closed) {
      try {
        if (running.isEmpty()) {
          running.add(incoming.take());
        }
        incoming.drainTo(running);
        for (Iterator<Job> it = running.iterator(); it.hasNext(); ) {
          Job job = it.next();
          boolean more;
          try {
            if (job.gone) {
              job.stepper.cancel();
            }
            more = job.stepper.step();
          } catch (RuntimeException e) {
            log.error("generation failed", e);
            job.events.add(new Failed(e));
            it.remove();
            continue;
          }
          if (!more) {
            job.events.add(new Done(job.stepper.result()));
            it.remove();
          }
        }
      } catch (InterruptedException e) {
        break;
      }
    }
    for (Job job : running) {
      job.events.add(new Failed(new IllegalStateException("the model was closed")));
    }
  }

  /** Sequences waiting to join (tests and metrics). */
  public int waiting() {
    return incoming.size();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
