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
    /** Siblings that start from a copy of this job's state once its prompt is fed. */
    List<Job> followers = List.of();
    /** For a follower: builds its stepper from the leader's prefilled state. */
    java.util.function.Function<dev.hearth.engine.model.InferenceState, Sequence.Stepper> fork;
  }

  /**
   * Runs one sequence in the loop and delivers its text to {@code listener} on the calling thread;
   * returns when it is finished (or the listener said stop).
   *
   * @param promptLogprobs as for {@link Sequence.Stepper}; filled before this returns
   */
  public Sequence.Result generate(int[] prompt, Sequence.Params params, Sequence.Listener listener,
      List<Sequence.TokenLogprob> promptLogprobs) {
    Job job = job(prompt, params, promptLogprobs);
    submit(List.of(job));
    return await(job, listener);
  }

  /**
   * Several sequences continuing one prompt ({@code n} choices, {@code best_of} candidates): the
   * prompt is fed once and each sequence starts from a copy of that state. Results in order.
   */
  public List<Sequence.Result> generateShared(int[] prompt, List<Sequence.Params> params,
      List<Sequence.Listener> listeners) {
    Job leader = job(prompt, params.get(0), null);
    List<Job> followers = new ArrayList<>();
    for (int i = 1; i < params.size(); i++) {
      Job follower = new Job();
      Sequence.Params p = params.get(i);
      follower.fork = state -> new Sequence.Stepper(model, state, null, p, relay(follower), null);
      followers.add(follower);
    }
    leader.followers = followers;
    List<Job> all = new ArrayList<>();
    all.add(leader);
    all.addAll(followers);
    submit(List.of(leader)); // followers join when the leader's prompt is fed
    return Parallel.map(all.size(), i -> await(all.get(i), listeners.get(i)));
  }

  private Job job(int[] prompt, Sequence.Params params, List<Sequence.TokenLogprob> promptLogprobs) {
    Job job = new Job();
    job.stepper = new Sequence.Stepper(model, null, prompt, params, relay(job), promptLogprobs);
    return job;
  }

  private static Sequence.Listener relay(Job job) {
    return (text, lps) -> {
      job.events.add(new Piece(text, lps));
      return !job.gone;
    };
  }

  private void submit(List<Job> jobs) {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
    incoming.addAll(jobs);
  }

  private Sequence.Result await(Job job, Sequence.Listener listener) {
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
        List<Job> joined = new ArrayList<>();
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
            job.followers.forEach(f -> f.events.add(new Failed(e)));
            it.remove();
            continue;
          }
          if (!job.followers.isEmpty()) {
            if (job.stepper.prefilled()) {
              startFollowers(job, joined);
            } else if (!more) { // stopped before its prompt was fed: the request is gone
              job.followers.forEach(f -> f.events.add(new Done(
                  new Sequence.Result("", new int[0], "stop", null, true, 0))));
              job.followers = List.of();
            }
          }
          if (!more) {
            job.events.add(new Done(job.stepper.result()));
            it.remove();
          }
        }
        running.addAll(joined);
      } catch (InterruptedException e) {
        break;
      }
    }
    for (Job job : running) {
      job.events.add(new Failed(new IllegalStateException("the model was closed")));
    }
  }

  /** The leader's prompt is fed and nothing generated yet: its siblings start from copies of its state. */
  private void startFollowers(Job leader, List<Job> joined) {
    for (Job follower : leader.followers) {
      try {
        follower.stepper = follower.fork.apply(leader.stepper.state().copy());
        joined.add(follower);
      } catch (RuntimeException e) {
        follower.events.add(new Failed(e));
      }
    }
    leader.followers = List.of();
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
