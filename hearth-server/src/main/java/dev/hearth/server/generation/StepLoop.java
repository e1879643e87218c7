package dev.hearth.server.generation;

import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one model: a single loop thread runs rounds, each ONE batched forward
 * pass ({@link Model#forward(List)}) over every running sequence: each decoding sequence feeds the
 * token it sampled last, and prefilling sequences feed chunks of their prompts within the round's
 * token budget ({@code max_batch_tokens}). After the pass every sequence whose logits are fresh
 * samples its next token. Sequences join and leave between rounds.
 *
 * <p>A request's prompt starts from the longest prefix the model's {@link PrefixCache} holds, and
 * a finished sequence's state goes back into it. {@code n} choices and {@code best_of} candidates
 * feed the prompt once and continue from copies of its state.
 *
 * <p>Text is handed to the request's thread through a queue, so a slow client never stalls the
 * loop; a sequence whose client went away (its listener said stop, or {@link ClientDisconnect}
 * saw the connection close) leaves at the next round.
 */
public final class StepLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StepLoop.class);
  /** Tokens a round feeds at most, unless configured ({@code max_batch_tokens}). */
  public static final int DEFAULT_BATCH_TOKENS = 64;
  /** Prompt tokens a round feeds at least when prompts wait, however many sequences decode. */
  static final int MIN_PREFILL_TOKENS = 16;

  /** Whose prompt is fed first when the round's budget is short: live requests before batch lines. */
  public enum Priority {
    INTERACTIVE,
    BACKGROUND
  }

  private final Model model;
  private final int batchTokens;
  private final PrefixCache cache;
  private final LinkedBlockingQueue<Job> incoming = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile long rounds;
  private volatile long tokensFed;
  private volatile int maxBatchSequences;
  private volatile int lastBatchSequences;

  /** No prefix cache, the default round budget. */
  public StepLoop(Model model, String name) {
    this(model, name, DEFAULT_BATCH_TOKENS, null);
  }

  /**
   * @param batchTokens tokens one forward pass feeds at most (decoding sequences one each, the
   *     rest to prompt chunks; at least {@link #MIN_PREFILL_TOKENS} to prompts when some wait)
   * @param cache the model's prefix cache, or null for none
   */
  public StepLoop(Model model, String name, int batchTokens, PrefixCache cache) {
    if (batchTokens < 1) {
      throw new IllegalArgumentException("max_batch_tokens must be at least 1");
    }
    this.model = model;
    this.batchTokens = batchTokens;
    this.cache = cache != null && cache.enabled() ? cache : null;
    this.thread = Thread.ofPlatform().daemon().name("hearth-steps-" + name).unstarted(this::loop);
    thread.start();
  }

  private sealed interface Event permits Piece, Done, Failed {}

  private record Piece(String text, List<Sequence.TokenLogprob> logprobs) implements Event {}

  private record Done(Sequence.Result result) implements Event {}

  private record Failed(RuntimeException error) implements Event {}

  private static final class Job {
    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final Priority priority;
    final BooleanSupplier clientGone;
    final long order;
    volatile boolean gone;
    Sequence.Stepper stepper;
    /** Offer the finished state to the prefix cache (one per prompt: not the followers). */
    boolean cacheable;
    /** The state was offered to the prefix cache once its prompt was fed. */
    boolean promptOffered;
    /** Siblings that start from a copy of this job's state once its prompt is fed. */
    List<Job> followers = List.of();
    /** For a follower: builds its stepper from the leader's prefilled state. */
    Function<InferenceState, Sequence.Stepper> fork;

    Job(Priority priority, BooleanSupplier clientGone, long order) {
      this.priority = priority;
      this.clientGone = clientGone;
      this.order = order;
    }

    boolean leaving() {
      return gone || clientGone.getAsBoolean();
    }
  }

  private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Runs one sequence in the loop and delivers its text to {@code listener} on the calling thread;
   * returns when it is finished (or the listener said stop).
   *
   * @param promptLogprobs as for {@link Sequence.Stepper}; filled before this returns
   */
  public Sequence.Result generate(int[] prompt, Sequence.Params params, Sequence.Listener listener,
      List<Sequence.TokenLogprob> promptLogprobs) {
    return generate(prompt, params, listener, promptLogprobs, Priority.INTERACTIVE);
  }

  /** As {@link #generate(int[], Sequence.Params, Sequence.Listener, List)}, at {@code priority}. */
  public Sequence.Result generate(int[] prompt, Sequence.Params params, Sequence.Listener listener,
      List<Sequence.TokenLogprob> promptLogprobs, Priority priority) {
    Job job = job(prompt, params, promptLogprobs, priority, ClientDisconnect.current());
    submit(List.of(job));
    return await(job, listener);
  }

  /**
   * Several sequences continuing one prompt ({@code n} choices, {@code best_of} candidates): the
   * prompt is fed once and each sequence starts from a copy of that state. Results in order.
   */
  public List<Sequence.Result> generateShared(int[] prompt, List<Sequence.Params> params,
      List<Sequence.Listener> listeners) {
    return generateShared(prompt, params, listeners, Priority.INTERACTIVE);
  }

  /** As {@link #generateShared(int[], List, List)}, at {@code priority}. */
  public List<Sequence.Result> generateShared(int[] prompt, List<Sequence.Params> params,
      List<Sequence.Listener> listeners, Priority priority) {
    BooleanSupplier clientGone = ClientDisconnect.current();
    Job leader = job(prompt, params.get(0), null, priority, clientGone);
    List<Job> followers = new ArrayList<>();
    for (int i = 1; i < params.size(); i++) {
      Job follower = new Job(priority, clientGone, leader.order);
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

  /** A job for a prompt, starting from the prefix cache's longest match when there is one. */
  private Job job(int[] prompt, Sequence.Params params, List<Sequence.TokenLogprob> promptLogprobs, Priority priority,
      BooleanSupplier clientGone) {
    Job job = new Job(priority, clientGone, arrivals.incrementAndGet());
    job.cacheable = cache != null;
    PrefixCache.Hit hit = cache != null && promptLogprobs == null
        ? cache.lookup(prompt, Sequence.Stepper.capacity(model, prompt.length, params.maxTokens()))
        : null;
    job.stepper = hit == null
        ? new Sequence.Stepper(model, null, prompt, params, relay(job), promptLogprobs)
        : new Sequence.Stepper(model, hit.state(), prompt, hit.tokens(), params, relay(job), null);
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
            if (job.cacheable && job.stepper != null) {
              // the loop is done with this state: keep it for requests that share its prefix
              cache.offer(job.stepper.stateTokens(), job.stepper.state());
            }
            return job.gone && !r.cancelled()
                ? new Sequence.Result(r.text(), r.tokens(), r.finishReason(), r.logprobs(), true, r.sumLogprob(),
                    r.cachedTokens())
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
        running = sampleAndRetire(running);
        if (running.isEmpty()) {
          continue;
        }
        List<Job> batch = new ArrayList<>();
        List<Step> steps = plan(running, batch);
        if (steps.isEmpty()) { // cannot happen: every live sequence feeds or samples
          IllegalStateException stuck = new IllegalStateException("no sequence can advance");
          running.forEach(job -> fail(job, stuck));
          running.clear();
          continue;
        }
        try {
          model.forward(steps);
        } catch (RuntimeException e) {
          log.error("forward pass failed for {} sequences", steps.size(), e);
          batch.forEach(job -> fail(job, e));
          running.removeAll(batch);
          continue;
        }
        long tokens = 0;
        for (Step step : steps) {
          tokens += step.tokens().length;
        }
        for (Job job : batch) {
          job.stepper.fed();
          if (job.cacheable && !job.promptOffered && job.stepper.prefilled()) {
            // its prompt is in the state now: requests that share it (a system prompt) need not
            // wait for this one to finish; the copy runs off the loop (the prompt's positions stay as they are)
            job.promptOffered = true;
            int[] promptTokens = job.stepper.stateTokens();
            InferenceState state = job.stepper.state();
            Thread.ofVirtual().name("hearth-prefix-cache").start(() -> cache.offer(promptTokens, state));
          }
        }
        lastBatchSequences = steps.size();
        maxBatchSequences = Math.max(maxBatchSequences, steps.size());
        tokensFed += tokens;
        rounds++;
      } catch (InterruptedException e) {
        break;
      }
    }
    for (Job job : running) {
      job.events.add(new Failed(new IllegalStateException("the model was closed")));
    }
  }

  /**
   * Drops the sequences whose client left, starts the followers of prompts just fed, samples every
   * sequence with fresh logits (in parallel: each has its own sampler, and a round's sampling is
   * as much work as a decoding pass's matrix products on a large vocabulary) and retires the
   * finished ones; returns those still running.
   */
  private List<Job> sampleAndRetire(List<Job> running) {
    List<Job> ready = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) { // followers started here are appended and looked at in this pass
      Job job = running.get(i);
      if (job.leaving()) {
        job.gone = true;
        job.stepper.cancel();
      }
      if (job.stepper.readyToSample()) {
        if (!job.followers.isEmpty()) {
          startFollowers(job, running);
        }
        ready.add(job);
      }
    }
    RuntimeException[] errors = new RuntimeException[ready.size()];
    IntStream indices = IntStream.range(0, ready.size());
    (ready.size() > 1 ? indices.parallel() : indices).forEach(i -> {
      try {
        ready.get(i).stepper.sample();
      } catch (RuntimeException e) {
        errors[i] = e;
      }
    });
    java.util.Map<Job, RuntimeException> failed = new java.util.IdentityHashMap<>();
    for (int i = 0; i < errors.length; i++) {
      if (errors[i] != null) {
        log.error("generation failed", errors[i]);
        failed.put(ready.get(i), errors[i]);
      }
    }
    List<Job> still = new ArrayList<>(running.size());
    for (Job job : running) {
      if (failed.containsKey(job)) {
        fail(job, failed.get(job));
      } else if (job.stepper.finished()) {
        if (!job.followers.isEmpty()) { // stopped before its prompt was fed: the request is gone
          job.followers.forEach(f -> f.events.add(new Done(
              new Sequence.Result("", new int[0], "stop", null, true, 0))));
          job.followers = List.of();
        }
        job.events.add(new Done(job.stepper.result()));
      } else {
        still.add(job);
      }
    }
    return still;
  }

  /**
   * This round's steps: every decoding sequence's token, then prompt chunks (live requests first,
   * then by arrival) within what is left of the budget. Fills {@code batch} with the jobs fed.
   */
  private List<Step> plan(List<Job> running, List<Job> batch) {
    List<Step> steps = new ArrayList<>();
    List<Job> prefilling = new ArrayList<>();
    for (Job job : running) {
      if (job.stepper.wants() == 0) {
        continue;
      }
      if (job.stepper.decoding()) {
        steps.add(job.stepper.plan(1));
        batch.add(job);
      } else {
        prefilling.add(job);
      }
    }
    int budget = Math.max(batchTokens - steps.size(), Math.min(MIN_PREFILL_TOKENS, batchTokens));
    prefilling.sort(Comparator.comparing((Job j) -> j.priority).thenComparingLong(j -> j.order));
    for (Job job : prefilling) {
      if (budget <= 0) {
        break;
      }
      Step step = job.stepper.plan(budget);
      budget -= step.tokens().length;
      steps.add(step);
      batch.add(job);
    }
    return steps;
  }

  private static void fail(Job job, RuntimeException e) {
    job.events.add(new Failed(e));
    job.followers.forEach(f -> f.events.add(new Failed(e)));
    job.followers = List.of();
  }

  /** The leader's prompt is fed and nothing generated yet: its siblings start from copies of its state. */
  private void startFollowers(Job leader, List<Job> running) {
    for (Job follower : leader.followers) {
      try {
        follower.stepper = follower.fork.apply(leader.stepper.state().copy());
        running.add(follower);
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

  /** Forward passes run so far (tests and metrics). */
  public long rounds() {
    return rounds;
  }

  /** Sequences fed by the last forward pass (tests and metrics). */
  public int lastBatchSequences() {
    return lastBatchSequences;
  }

  /** The most sequences one forward pass has fed (tests and metrics). */
  public int maxBatchSequences() {
    return maxBatchSequences;
  }

  /** Tokens fed through the model so far, prompts and generated (tests and metrics). */
  public long tokensFed() {
    return tokensFed;
  }

  /** Tokens one forward pass feeds at most. */
  public int batchTokens() {
    return batchTokens;
  }

  /** The model's prefix cache, or null when it has none. */
  public PrefixCache prefixCache() {
    return cache;
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
