package carac;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The invariants of ARCHITECTURE.md, each with its reason. */
class ArchitectureTest {

  private static final JavaClasses PRODUCT =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("carac");

  @Test
  void onlyTheCqlPackageTouchesTheEngine() {
    noClasses()
        .that()
        .resideOutsideOfPackage("carac.cql..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.opencds.cqf.cql..", "org.cqframework..", "org.opencds.cqf.fhir..", "org.hl7.elm..")
        .because("one small facade (CqlEvaluator) is the only door to the CQL engine and translator, so the "
            + "clinical logic can be evaluated, cached and upgraded in one place")
        .check(PRODUCT);
  }

  @Test
  void theCqlPackageKnowsNothingOfTheWeb() {
    noClasses()
        .that()
        .resideInAPackage("carac.cql..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.web..", "jakarta.servlet..", "carac.cds..", "carac.smart..",
            "carac.sandbox..", "carac.cli..")
        .because("the clinical core is the same for the CLI, the CDS service and the app; transport stays outside")
        .check(PRODUCT);
  }

  @Test
  void nothingDependsOnTheSandbox() {
    noClasses()
        .that()
        .resideOutsideOfPackage("carac.sandbox..")
        .and()
        .doNotHaveSimpleName("CaracWatchApplication")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("carac.sandbox..")
        .allowEmptyShould(true)
        .because("the sandbox is a demo harness around the product; the product must run against a real EHR without it")
        .check(PRODUCT);
  }
}
