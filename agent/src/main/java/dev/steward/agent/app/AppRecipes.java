package dev.steward.agent.app;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The recipes of a server, one file per application in a directory (by default
 * {@value #DEFAULT_DIRECTORY}): {@code NAME.toml} with {@code [application] name = "NAME"}. Every
 * file is read and every problem of every file reported at once; a name that does not match its
 * file name is a problem, so two files can never claim the same application. Other files (not
 * ending in {@code .toml}, or hidden) are ignored, so editors' backups do not count.
 *
 * <p>Thread safety: immutable.
 */
public final class AppRecipes {

    public static final String DEFAULT_DIRECTORY = "/etc/steward/apps";

    private final Map<String, AppRecipe> byName;

    private AppRecipes(Map<String, AppRecipe> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Reads every {@code *.toml} in {@code directory}; a missing directory means no applications. */
    public static AppRecipes load(Path directory) throws ConfigException {
        Map<String, AppRecipe> recipes = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return new AppRecipes(recipes);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.toml")) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(directory.toString(), "(directory)", null,
                    "cannot be read: " + e.getMessage())));
        }
        files.sort(null);
        List<ConfigProblem> problems = new ArrayList<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            if (fileName.startsWith(".")) {
                continue;
            }
            try {
                AppRecipe recipe = AppRecipe.load(file);
                String expected = fileName.substring(0, fileName.length() - ".toml".length());
                if (!recipe.name().equals(expected)) {
                    problems.add(new ConfigProblem(file.toString(), "[application] name", "\"" + recipe.name() + "\"",
                            "must match the file name: \"" + expected + "\", or rename the file to " + recipe.name() + ".toml"));
                } else {
                    recipes.put(recipe.name(), recipe);
                }
            } catch (ConfigException invalid) {
                problems.addAll(invalid.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AppRecipes(recipes);
    }

    /** The recipe of the application a job names. */
    public Optional<AppRecipe> find(String application) {
        return Optional.ofNullable(byName.get(application));
    }

    /** All recipes by name, sorted. */
    public Map<String, AppRecipe> all() {
        return new TreeMap<>(byName);
    }
}
