package carac;

import carac.cli.EvaluateCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;

/**
 * Entry point. {@code evaluate ...} runs the command-line evaluation without starting Spring (fast,
 * nothing but JSON on stdout); anything else starts the application.
 */
// HAPI JPA brings an Elasticsearch client; the sandbox indexes nothing in Elasticsearch
@SpringBootApplication(exclude = ElasticsearchRestClientAutoConfiguration.class)
public class CaracWatchApplication {

  public static void main(String[] args) {
    if (args.length > 0 && "evaluate".equals(args[0])) {
      System.exit(new EvaluateCommand().run(Arrays.copyOfRange(args, 1, args.length)));
    }
    SpringApplication.run(CaracWatchApplication.class, args);
  }
}
