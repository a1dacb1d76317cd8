package dev.steward.relay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency directions of STYLE.md B1/B3, checked on the compiled relay classes. */
class ArchitectureTest {

    private static JavaClasses relay;

    @BeforeAll
    static void importClasses() {
        relay = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.steward.relay");
    }

    @Test
    void policy_isPure_noNetworkOrFileIo() {
        noClasses().that().resideInAPackage("dev.steward.relay.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..", "java.io..")
                .check(relay);
    }

    @Test
    void intake_knowsNothingOfTheQueue_itHandsMessagesToAMessageSink() {
        noClasses().that().resideInAPackage("dev.steward.relay.intake..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.steward.relay.queue..", "dev.steward.relay.cleanup..",
                        "dev.steward.relay.app..", "dev.steward.relay.delivery..", "dev.steward.relay.bounce..")
                .check(relay);
    }

    @Test
    void queue_dependsOnlyOnDeliveryAndPolicy_neverOnIntakeCleanupAppAdminOrSendmail() {
        noClasses().that().resideInAPackage("dev.steward.relay.queue..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.steward.relay.intake..", "dev.steward.relay.cleanup..",
                        "dev.steward.relay.app..", "dev.steward.relay.admin..", "dev.steward.relay.sendmail..")
                .check(relay);
    }

    @Test
    void onlyTheProgramAndSendmail_useTheProgramPackage() {
        noClasses().that().resideOutsideOfPackages("dev.steward.relay.app..", "dev.steward.relay.sendmail..")
                .should().dependOnClassesThat().resideInAPackage("dev.steward.relay.app..")
                .check(relay);
    }

    @Test
    void bounceAndDelivery_valueTypes_knowNothingOfIntakeOrTheProgram() {
        noClasses().that().resideInAnyPackage("dev.steward.relay.bounce..", "dev.steward.relay.delivery..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.steward.relay.intake..", "dev.steward.relay.app..")
                .check(relay);
    }

    /**
     * {@code relay.policy} builds on the delivery value types ({@code Disposition.toResult}); the
     * other direction would be a cycle. The delivery agent (mechanism) may call the policy, so
     * the rule covers the value types only: records, enums and interfaces.
     */
    @Test
    void deliveryValueTypesAndBounce_doNotDependOnPolicy() {
        DescribedPredicate<JavaClass> valueTypes = DescribedPredicate.describe("records, enums or interfaces",
                javaClass -> javaClass.isRecord() || javaClass.isEnum() || javaClass.isInterface());
        noClasses().that().resideInAPackage("dev.steward.relay.delivery..").and(valueTypes)
                .should().dependOnClassesThat().resideInAPackage("dev.steward.relay.policy..")
                .check(relay);
        noClasses().that().resideInAPackage("dev.steward.relay.bounce..")
                .should().dependOnClassesThat().resideInAPackage("dev.steward.relay.policy..")
                .check(relay);
    }

    @Test
    void bounce_buildsBytesOnly_noFileOrNetworkIo() {
        noClasses().that().resideInAPackage("dev.steward.relay.bounce..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.slf4j.Logger")
                .check(relay);
    }
}
