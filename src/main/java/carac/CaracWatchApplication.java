package carac;

import carac.cli.EvaluateCommand;
import carac.sandbox.SandboxModule;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * Entry point. {@code evaluate ...} runs the command-line evaluation without starting Spring (fast,
 * nothing but JSON on stdout); anything else starts the application: the sandbox by default, or only the
 * CDS service and the SMART app with {@code carac.mode=service}. The sandbox's package is never scanned
 * here: it comes in as one conditional module ({@link SandboxModule}), so service mode creates none of
 * its beans.
 */
// HAPI JPA brings an Elasticsearch client; the sandbox indexes nothing in Elasticsearch
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = ElasticsearchRestClientAutoConfiguration.class)
@ComponentScan(excludeFilters = {
    @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
    @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
    @ComponentScan.Filter(type = FilterType.REGEX, pattern = "carac\\.sandbox\\..*")})
@Import(SandboxModule.class)
public class CaracWatchApplication {

  public static void main(String[] args) {
    if (args.length > 0 && "evaluate".equals(args[0])) {
      System.exit(new EvaluateCommand().run(Arrays.copyOfRange(args, 1, args.length)));
    }
    SpringApplication.run(CaracWatchApplication.class, args);
  }
}
