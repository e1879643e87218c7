package dev.hearth.server.cli;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.HearthConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the API server (default http://127.0.0.1:8080/v1).")
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--host", description = "Address to bind (default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Port to listen on (default 8080; 0 picks a free one).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    List<String> flags = new ArrayList<>();
    if (host != null) {
      flags.add("server.host=" + host);
    }
    if (port != null) {
      flags.add("server.port=" + port);
    }
    HearthConfig config = options.load(System.getenv(), flags);
    HearthServer server = HearthServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      server.close();
      stopped.countDown();
    }));
    System.out.println("Hearth is serving the OpenAI API at " + server.baseUrl() + " (data: " + config.dataDir() + ")");
    stopped.await();
    return 0;
  }
}
