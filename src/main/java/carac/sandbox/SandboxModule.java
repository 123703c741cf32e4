package carac.sandbox;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The whole sandbox (HAPI JPA FHIR server, SMART authorization server, users, EHR page, test patients) as
 * one module, on unless {@code carac.mode=service}. The application never scans this package itself, so
 * this condition is the only way any sandbox bean comes to exist.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "carac.mode", havingValue = "sandbox", matchIfMissing = true)
@ComponentScan("carac.sandbox")
public class SandboxModule {}
