package dev.spaceport.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The roles meet only through the API server (docs/architecture.md): api ← rules ← {operator,
 * gateway, hub}, config beside api, and no import between the roles.
 */
@AnalyzeClasses(packages = "dev.spaceport", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInAnyPackage("dev.spaceport..")
          .layer("api")
          .definedBy("dev.spaceport.api..")
          .layer("config")
          .definedBy("dev.spaceport.config..")
          .layer("rules")
          .definedBy("dev.spaceport.rules..")
          .layer("operator")
          .definedBy("dev.spaceport.operator..")
          .layer("gateway")
          .definedBy("dev.spaceport.gateway..")
          .layer("hub")
          .definedBy("dev.spaceport.hub..")
          .whereLayer("hub")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("operator")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("gateway")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("rules")
          .mayOnlyBeAccessedByLayers("operator", "gateway", "hub")
          .whereLayer("config")
          .mayOnlyBeAccessedByLayers("rules", "operator", "gateway", "hub")
          .whereLayer("api")
          .mayOnlyBeAccessedByLayers("rules", "operator", "gateway", "hub");

  /** The model is data only: it knows nothing of configuration or rules. */
  @ArchTest
  static final ArchRule apiDependsOnNothingOfOurs =
      noClasses()
          .that()
          .resideInAPackage("dev.spaceport.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.spaceport.config..",
              "dev.spaceport.rules..",
              "dev.spaceport.operator..",
              "dev.spaceport.gateway..",
              "dev.spaceport.hub..");

  @ArchTest
  static final ArchRule rulesDependOnlyOnApiAndConfig =
      noClasses()
          .that()
          .resideInAPackage("dev.spaceport.rules..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.spaceport.operator..", "dev.spaceport.gateway..", "dev.spaceport.hub..");
}
