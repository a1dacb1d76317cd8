package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppRecipesTest {

    @TempDir
    Path directory;

    private static String recipe(String name) {
        return """
                [application]
                name = "%s"
                version_command = "true"
                [backup]
                command = "true"
                [update]
                command = "true"
                [health]
                command = "true"
                [rollback]
                command = "true"
                """.formatted(name);
    }

    @Test
    void load_oneFilePerApplication_foundByName() throws Exception {
        Files.writeString(directory.resolve("wiki.toml"), recipe("wiki"));
        Files.writeString(directory.resolve("shop.toml"), recipe("shop"));
        Files.writeString(directory.resolve("wiki.toml~"), "not a recipe");
        Files.writeString(directory.resolve(".old.toml"), "not a recipe either");

        AppRecipes recipes = AppRecipes.load(directory);

        assertThat(recipes.all()).containsOnlyKeys("shop", "wiki");
        assertThat(recipes.find("wiki")).hasValueSatisfying(recipe -> assertThat(recipe.name()).isEqualTo("wiki"));
        assertThat(recipes.find("blog")).isEmpty();
    }

    @Test
    void load_missingDirectory_noApplications() throws Exception {
        assertThat(AppRecipes.load(directory.resolve("absent")).all()).isEmpty();
    }

    @Test
    void load_problemsInSeveralFiles_allReported() throws Exception {
        Files.writeString(directory.resolve("wiki.toml"), recipe("blog"));
        Files.writeString(directory.resolve("shop.toml"), recipe("shop").replace("[update]\ncommand = \"true\"\n", ""));

        assertThatThrownBy(() -> AppRecipes.load(directory))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().stream().map(ConfigProblem::message))
                        .containsExactly(
                                directory.resolve("shop.toml") + ": [update]: missing: a recipe needs [update] command = \"...\"",
                                directory.resolve("wiki.toml") + ": [application] name = \"blog\": must match the file name: \"wiki\", or rename the file to blog.toml"));
    }
}
