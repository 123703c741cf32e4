package carac.sandbox.auth;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns the SMART scopes of the request's (already verified) access token into HAPI authorization rules:
 * {@code patient/} scopes reach only the token's patient compartment, {@code user/} and {@code system/}
 * scopes reach the granted types; whatever no scope grants is refused with 403 and an OperationOutcome.
 * SMART's read (r) and search (s) are both HAPI "read" rules: HAPI filters search results by the same rule.
 */
final class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

  SmartAuthorizationInterceptor() {
    super(PolicyEnum.DENY);
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    RuleBuilder rules = new RuleBuilder();
    rules.allow("capability statement").metadata().andThen();
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth instanceof JwtAuthenticationToken token) {
      String scope = token.getToken().getClaimAsString("scope");
      String patient = token.getToken().getClaimAsString("patient");
      for (SmartScopes.Permission p : SmartScopes.parse(AuthorizationServerConfig.scopeSet(scope))) {
        addRules(rules, p, patient);
      }
    }
    return rules.denyAll("not granted by the access token's scopes").build();
  }

  private static void addRules(RuleBuilder rules, SmartScopes.Permission p, String patient) {
    boolean reads = p.read() || p.search();
    boolean writes = p.create() || p.update();
    if ("patient".equals(p.context())) {
      if (patient == null) {
        return; // a patient scope without a patient in context grants nothing
      }
      IdType compartment = new IdType("Patient", patient);
      if (reads) {
        var read = rules.allow().read();
        (p.allTypes() ? read.allResources() : read.resourcesOfType(p.resourceType())).inCompartment("Patient", compartment);
      }
      if (writes) {
        var write = rules.allow().write();
        (p.allTypes() ? write.allResources() : write.resourcesOfType(p.resourceType())).inCompartment("Patient", compartment);
      }
      return;
    }
    if (reads) {
      var read = rules.allow().read();
      (p.allTypes() ? read.allResources() : read.resourcesOfType(p.resourceType())).withAnyId();
    }
    if (writes) {
      var write = rules.allow().write();
      (p.allTypes() ? write.allResources() : write.resourcesOfType(p.resourceType())).withAnyId();
      rules.allow().transaction().withAnyOperation().andApplyNormalRules();
    }
  }
}
